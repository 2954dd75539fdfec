package dev.roomcast;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Derives the broker from what is configured: {@code roomcast.broker} defaults to {@code redis} when
 * {@code quarkus.redis.hosts} is set, else {@code local}; and the Redis client is active only with the Redis
 * broker, so that a single pod starts without any Redis settings.
 */
@Priority(Priorities.APPLICATION + 100)
public class BrokerConfigDefaults implements ConfigSourceInterceptor {

    static final String BROKER = "roomcast.broker";
    static final String REDIS_HOSTS = "quarkus.redis.hosts";
    static final String REDIS_ACTIVE = "quarkus.redis.active";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null || !(BROKER.equals(name) || REDIS_ACTIVE.equals(name))) {
            return value;
        }
        String broker = resolveBroker(context);
        String derived = BROKER.equals(name) ? broker : String.valueOf("redis".equalsIgnoreCase(broker));
        return ConfigValue.builder().withName(name).withValue(derived).withConfigSourceName("roomcast-defaults")
                .build();
    }

    private static String resolveBroker(ConfigSourceInterceptorContext context) {
        ConfigValue explicit = context.proceed(BROKER);
        if (explicit != null && explicit.getValue() != null && !explicit.getValue().isBlank()) {
            return explicit.getValue();
        }
        ConfigValue hosts = context.proceed(REDIS_HOSTS);
        return hosts != null && hosts.getValue() != null && !hosts.getValue().isBlank() ? "redis" : "local";
    }
}
