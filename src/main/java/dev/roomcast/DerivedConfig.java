package dev.roomcast;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.time.Duration;

/**
 * Settings derived from {@code roomcast.*} ones, so that an operator sets one key rather than keeping several in
 * step. Each applies only when the derived key is not set explicitly.
 * <ul>
 * <li>{@code roomcast.broker}: {@code redis} when {@code quarkus.redis.hosts} is set, else {@code local}; and the
 * Redis client is active only with the Redis broker, so that a single pod starts without any Redis settings.</li>
 * <li>WebSocket sizes from {@code roomcast.max-frame-bytes}: Vert.x checks every text message against
 * {@code max-message-size} and reports an overflow we can answer with close 1009. Netty's frame limit must sit above
 * it, because Vert.x drops the TCP connection without a close frame when Netty refuses a frame; 4x the limit keeps
 * that backstop for absurd frames only.</li>
 * <li>{@code quarkus.datasource.jdbc.url} from {@code quarkus.datasource.reactive.url}: Flyway migrates over JDBC at
 * startup, the service runs on the reactive pool, and both reach the same database.</li>
 * <li>{@code quarkus.shutdown.delay} from {@code roomcast.shutdown.drain}: the server keeps running through the drain
 * window (plus half a second, so that the last 1001 close is written before it stops).</li>
 * <li>{@code quarkus.http.idle-timeout} from {@code roomcast.heartbeat.timeout} (twice it): a live client is never
 * that quiet (it beats or is closed with 4002), so the transport's idle timeout only tears down sockets whose close
 * cannot complete, such as a slow reader closed with 4008 whose close frame waits behind what it does not read.</li>
 * <li>{@code quarkus.vertx.event-loops-pool-size}: one event loop per core the JVM sees, not Quarkus's two. Every
 * loop holds a shard of the pod's connections, and a message for a room reaches each shard with members as a task
 * handed to that loop (a wake-up, a thread switch): with two loops to a core, the many-rooms benchmark spent 15 % more
 * CPU for nothing (bench/README.md). Nothing on a loop blocks, so a second loop per core has no wait to fill.</li>
 * </ul>
 */
@Priority(Priorities.APPLICATION + 100)
public class DerivedConfig implements ConfigSourceInterceptor {

    static final String BROKER = "roomcast.broker";
    static final String REDIS_HOSTS = "quarkus.redis.hosts";
    static final String REDIS_ACTIVE = "quarkus.redis.active";
    static final String MAX_FRAME_BYTES = "roomcast.max-frame-bytes";
    static final String WS_MAX_MESSAGE = "quarkus.websockets-next.server.max-message-size";
    static final String WS_MAX_FRAME = "quarkus.websockets-next.server.max-frame-size";
    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    static final String DRAIN = "roomcast.shutdown.drain";
    static final String SHUTDOWN_DELAY = "quarkus.shutdown.delay";
    static final String HEARTBEAT_TIMEOUT = "roomcast.heartbeat.timeout";
    static final String IDLE_TIMEOUT = "quarkus.http.idle-timeout";
    static final String EVENT_LOOPS = "quarkus.vertx.event-loops-pool-size";
    /** Mirrors the default of {@link RoomcastConfig.Heartbeat#timeout()}. */
    static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(60);
    /** Mirrors the default of {@link RoomcastConfig.Shutdown#drain()}. */
    static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    private static final Duration LAST_CLOSE_MARGIN = Duration.ofMillis(500);
    /** Mirrors the default of {@link RoomcastConfig#maxFrameBytes()}. */
    static final int DEFAULT_MAX_FRAME_BYTES = 65536;

    private static final int NETTY_FRAME_FACTOR = 4;

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null && !(IDLE_TIMEOUT.equals(name) && isBuiltInDefault(value))) {
            return value;
        }
        return switch (name) {
            case BROKER -> derived(name, resolveBroker(context));
            case REDIS_ACTIVE -> derived(name, String.valueOf("redis".equalsIgnoreCase(resolveBroker(context))));
            case WS_MAX_MESSAGE -> derived(name, String.valueOf(maxFrameBytes(context)));
            case WS_MAX_FRAME -> derived(name, String.valueOf((long) maxFrameBytes(context) * NETTY_FRAME_FACTOR));
            case SHUTDOWN_DELAY ->
                derived(name, drain(context).plus(LAST_CLOSE_MARGIN).toString());
            case IDLE_TIMEOUT ->
                derived(
                        name,
                        duration(context, HEARTBEAT_TIMEOUT, DEFAULT_HEARTBEAT_TIMEOUT)
                                .multipliedBy(2)
                                .toString());
            // Read when Vert.x starts, at run time: the cores of the container the pod runs in, not of the build.
            case EVENT_LOOPS ->
                derived(name, String.valueOf(Runtime.getRuntime().availableProcessors()));
            case JDBC_URL -> {
                String reactive = text(context.proceed(REACTIVE_URL));
                yield reactive == null ? null : derived(name, jdbcUrl(reactive));
            }
            default -> null;
        };
    }

    /** Quarkus's own default (30 minutes) is not a choice anyone made: the derived value replaces it. */
    private static boolean isBuiltInDefault(ConfigValue value) {
        return value.getConfigSourceOrdinal() == Integer.MIN_VALUE;
    }

    private static ConfigValue derived(String name, String value) {
        return ConfigValue.builder()
                .withName(name)
                .withValue(value)
                .withConfigSourceName("roomcast-derived")
                .build();
    }

    private static String resolveBroker(ConfigSourceInterceptorContext context) {
        String explicit = text(context.proceed(BROKER));
        if (explicit != null) {
            return explicit;
        }
        return text(context.proceed(REDIS_HOSTS)) != null ? "redis" : "local";
    }

    private static int maxFrameBytes(ConfigSourceInterceptorContext context) {
        String configured = text(context.proceed(MAX_FRAME_BYTES));
        return configured == null ? DEFAULT_MAX_FRAME_BYTES : Integer.parseInt(configured.trim());
    }

    /** {@code postgresql://h:p/db?x} (or {@code vertx-reactive:postgresql://...}) as {@code jdbc:postgresql://h:p/db?x}. */
    static String jdbcUrl(String reactiveUrl) {
        String url = reactiveUrl.trim();
        if (url.startsWith("vertx-reactive:")) {
            url = url.substring("vertx-reactive:".length());
        }
        if (url.startsWith("postgres://")) {
            url = "postgresql://" + url.substring("postgres://".length());
        }
        return "jdbc:" + url;
    }

    private static Duration drain(ConfigSourceInterceptorContext context) {
        return duration(context, DRAIN, DEFAULT_DRAIN);
    }

    private static Duration duration(ConfigSourceInterceptorContext context, String name, Duration fallback) {
        String configured = text(context.proceed(name));
        return configured == null ? fallback : DurationConverter.parseDuration(configured.trim());
    }

    private static String text(ConfigValue value) {
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }
}
