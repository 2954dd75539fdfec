package dev.roomcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DerivedConfig}, read through a SmallRye Config built with it (and with the real {@link RoomcastConfig} mapping):
 * each derived key follows its {@code roomcast.*} source or its default, an explicit setting always wins, and the
 * defaults it assumes are the mapping's.
 */
class DerivedConfigTest {

    private static final String IDLE_TIMEOUT = "quarkus.http.idle-timeout";

    @Test
    void theBrokerIsLocalWithoutRedisHostsAndRedisIsThenInactive() {
        SmallRyeConfig config = config(Map.of());

        assertEquals("local", value(config, "roomcast.broker"));
        assertEquals("false", value(config, "quarkus.redis.active"));
    }

    @Test
    void theBrokerIsRedisWhenRedisHostsAreSet() {
        SmallRyeConfig config = config(Map.of("quarkus.redis.hosts", "redis://redis:6379"));

        assertEquals("redis", value(config, "roomcast.broker"));
        assertEquals("true", value(config, "quarkus.redis.active"));
    }

    @Test
    void blankRedisHostsCountAsNone() {
        assertEquals("local", value(config(Map.of("quarkus.redis.hosts", "  ")), "roomcast.broker"));
    }

    @Test
    void anExplicitBrokerWinsAndDecidesWhetherRedisIsActive() {
        SmallRyeConfig local = config(Map.of("roomcast.broker", "local", "quarkus.redis.hosts", "redis://redis:6379"));
        SmallRyeConfig redis = config(Map.of("roomcast.broker", "REDIS"));

        assertEquals("local", value(local, "roomcast.broker"));
        assertEquals("false", value(local, "quarkus.redis.active"));
        assertEquals("REDIS", value(redis, "roomcast.broker"));
        assertEquals("true", value(redis, "quarkus.redis.active"));
    }

    @Test
    void anExplicitRedisActiveWins() {
        SmallRyeConfig config =
                config(Map.of("quarkus.redis.hosts", "redis://redis:6379", "quarkus.redis.active", "false"));

        assertEquals("redis", value(config, "roomcast.broker"));
        assertEquals("false", value(config, "quarkus.redis.active"));
    }

    @Test
    void oneEventLoopPerCoreUnlessSet() {
        String cores = String.valueOf(Runtime.getRuntime().availableProcessors());

        assertEquals(cores, value(config(Map.of()), "quarkus.vertx.event-loops-pool-size"));
        assertEquals(
                "8",
                value(
                        config(Map.of("quarkus.vertx.event-loops-pool-size", "8")),
                        "quarkus.vertx.event-loops-pool-size"));
    }

    @Test
    void webSocketSizesDefaultToTheDefaultFrameLimitWithNettysFourTimesAbove() {
        SmallRyeConfig config = config(Map.of());

        assertEquals("65536", value(config, "quarkus.websockets-next.server.max-message-size"));
        assertEquals("262144", value(config, "quarkus.websockets-next.server.max-frame-size"));
    }

    @Test
    void webSocketSizesFollowMaxFrameBytes() {
        SmallRyeConfig config = config(Map.of("roomcast.max-frame-bytes", " 1000 "));

        assertEquals("1000", value(config, "quarkus.websockets-next.server.max-message-size"));
        assertEquals("4000", value(config, "quarkus.websockets-next.server.max-frame-size"));
    }

    @Test
    void nettysFrameLimitDoesNotOverflowForAHugeFrameLimit() {
        SmallRyeConfig config = config(Map.of("roomcast.max-frame-bytes", "1000000000"));

        assertEquals("4000000000", value(config, "quarkus.websockets-next.server.max-frame-size"));
    }

    @Test
    void explicitWebSocketSizesWin() {
        SmallRyeConfig config = config(Map.of(
                "roomcast.max-frame-bytes",
                "1000",
                "quarkus.websockets-next.server.max-message-size",
                "77",
                "quarkus.websockets-next.server.max-frame-size",
                "99"));

        assertEquals("77", value(config, "quarkus.websockets-next.server.max-message-size"));
        assertEquals("99", value(config, "quarkus.websockets-next.server.max-frame-size"));
    }

    @Test
    void theShutdownDelayIsTheDrainWindowPlusHalfASecond() {
        assertEquals(Duration.ofMillis(10_500), duration(config(Map.of()), "quarkus.shutdown.delay"));
        assertEquals(
                Duration.ofMillis(700),
                duration(config(Map.of("roomcast.shutdown.drain", "200ms")), "quarkus.shutdown.delay"));
        assertEquals(
                Duration.ofMillis(120_500),
                duration(config(Map.of("roomcast.shutdown.drain", "2m")), "quarkus.shutdown.delay"));
    }

    @Test
    void anExplicitShutdownDelayWins() {
        SmallRyeConfig config = config(Map.of("roomcast.shutdown.drain", "20s", "quarkus.shutdown.delay", "3s"));

        assertEquals(Duration.ofSeconds(3), duration(config, "quarkus.shutdown.delay"));
    }

    @Test
    void theIdleTimeoutIsTwiceTheHeartbeatTimeout() {
        assertEquals(Duration.ofMinutes(2), duration(config(Map.of()), IDLE_TIMEOUT));
        assertEquals(
                Duration.ofSeconds(10), duration(config(Map.of("roomcast.heartbeat.timeout", "5s")), IDLE_TIMEOUT));
    }

    @Test
    void theIdleTimeoutReplacesQuarkusBuiltInDefault() {
        SmallRyeConfig config = builder(Map.of("roomcast.heartbeat.timeout", "15s"))
                .withDefaultValue(IDLE_TIMEOUT, "30M")
                .build();

        assertEquals(Duration.ofSeconds(30), duration(config, IDLE_TIMEOUT));
    }

    @Test
    void anExplicitIdleTimeoutWins() {
        SmallRyeConfig config = config(Map.of("roomcast.heartbeat.timeout", "15s", IDLE_TIMEOUT, "45s"));

        assertEquals(Duration.ofSeconds(45), duration(config, IDLE_TIMEOUT));
    }

    @Test
    void theJdbcUrlIsDerivedFromTheReactiveUrl() {
        SmallRyeConfig config =
                config(Map.of("quarkus.datasource.reactive.url", "postgresql://db:5432/roomcast?sslmode=require"));

        assertEquals(
                "jdbc:postgresql://db:5432/roomcast?sslmode=require", value(config, "quarkus.datasource.jdbc.url"));
    }

    @Test
    void theJdbcUrlDropsTheVertxPrefixAndSpellsPostgresInFull() {
        assertEquals("jdbc:postgresql://db/x", DerivedConfig.jdbcUrl("vertx-reactive:postgresql://db/x"));
        assertEquals("jdbc:postgresql://db/x", DerivedConfig.jdbcUrl("postgres://db/x"));
        assertEquals("jdbc:postgresql://db/x", DerivedConfig.jdbcUrl("vertx-reactive:postgres://db/x"));
        assertEquals("jdbc:postgresql://u:p@db:5433/x", DerivedConfig.jdbcUrl("  postgresql://u:p@db:5433/x \n"));
    }

    @Test
    void withoutAReactiveUrlThereIsNoJdbcUrl() {
        assertTrue(config(Map.of())
                .getOptionalValue("quarkus.datasource.jdbc.url", String.class)
                .isEmpty());
        assertTrue(config(Map.of("quarkus.datasource.reactive.url", " "))
                .getOptionalValue("quarkus.datasource.jdbc.url", String.class)
                .isEmpty());
    }

    @Test
    void anExplicitJdbcUrlWins() {
        SmallRyeConfig config = config(Map.of(
                "quarkus.datasource.reactive.url",
                "postgresql://db/x",
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://other/y"));

        assertEquals("jdbc:postgresql://other/y", value(config, "quarkus.datasource.jdbc.url"));
    }

    @Test
    void derivedValuesNameTheirOwnSource() {
        SmallRyeConfig config = config(Map.of());

        assertEquals(
                "roomcast-derived", config.getConfigValue("roomcast.broker").getConfigSourceName());
        assertNotEquals(
                "roomcast-derived",
                config(Map.of("roomcast.broker", "redis"))
                        .getConfigValue("roomcast.broker")
                        .getConfigSourceName());
    }

    @Test
    void otherKeysAreLeftAlone() {
        SmallRyeConfig config = config(Map.of("quarkus.http.port", "8080"));

        assertEquals("8080", value(config, "quarkus.http.port"));
        assertTrue(config.getOptionalValue("quarkus.http.host", String.class).isEmpty());
    }

    @Test
    void theDefaultsItAssumesAreTheConfigMappingsDefaults() {
        RoomcastConfig roomcast =
                builder(Map.of()).withMapping(RoomcastConfig.class).build().getConfigMapping(RoomcastConfig.class);

        assertEquals(
                RoomcastConfig.BrokerKind.LOCAL, roomcast.broker(), "derived, so the mapping needs no broker setting");
        assertEquals(
                DerivedConfig.DEFAULT_HEARTBEAT_TIMEOUT, roomcast.heartbeat().timeout());
        assertEquals(DerivedConfig.DEFAULT_DRAIN, roomcast.shutdown().drain());
        assertEquals(DerivedConfig.DEFAULT_MAX_FRAME_BYTES, roomcast.maxFrameBytes());
    }

    @Test
    void theMappingSeesTheRedisBrokerDerivedFromRedisHosts() {
        RoomcastConfig roomcast = builder(Map.of("quarkus.redis.hosts", "redis://redis:6379"))
                .withMapping(RoomcastConfig.class)
                .build()
                .getConfigMapping(RoomcastConfig.class);

        assertEquals(RoomcastConfig.BrokerKind.REDIS, roomcast.broker());
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        return builder(properties).build();
    }

    /** The interceptor over one source of explicit settings, with Quarkus's duration syntax ({@code 5s}, {@code 2m}). */
    private static SmallRyeConfigBuilder builder(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withInterceptors(new DerivedConfig())
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(new HashMap<>(properties), "test", 250));
    }

    private static String value(SmallRyeConfig config, String name) {
        return config.getValue(name, String.class);
    }

    private static Duration duration(SmallRyeConfig config, String name) {
        return config.getValue(name, Duration.class);
    }
}
