package dev.roomcast.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The test instance of the real PostgreSQL and Redis started by {@code scripts/services} (the same script that
 * serves development), so tests and developers share one mechanism. Started once per JVM; stopped and wiped at
 * the end only if this JVM started it.
 */
public final class LocalServices {

    /** The cluster secret of every app under test: pods sign their Redis bodies, and tests can sign as a pod would. */
    public static final String CLUSTER_SECRET = "roomcast-test-cluster-secret-0123456789";

    /** {@code quarkus.management.test-port} of application.properties. */
    private static final String MANAGEMENT_TEST_PORT = "9001";

    private static Map<String, String> settings;
    private static boolean startedHere;

    private LocalServices() {}

    public static synchronized Map<String, String> up() {
        if (settings == null) {
            Map<String, String> parsed = settings(run("up"));
            startedHere = "1".equals(parsed.get("STARTED"));
            settings = parsed;
            if (startedHere) {
                // Stopped when this JVM ends, after every test class that may use them.
                Runtime.getRuntime().addShutdownHook(new Thread(LocalServices::downIfStartedHere, "services-down"));
            }
        }
        return settings;
    }

    public static synchronized void downIfStartedHere() {
        if (settings != null && startedHere) {
            run("down", "--purge");
            settings = null;
        }
    }

    /** The {@code KEY=VALUE} lines the script prints, in order. */
    static Map<String, String> settings(String printed) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String line : printed.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                parsed.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return parsed;
    }

    /** Runs a subcommand of scripts/services on the test instance, e.g. {@code stop-redis}. */
    public static String run(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = projectDir().resolve("scripts/services").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("ROOMCAST_SERVICES_NAME", "test");
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("scripts/services " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run scripts/services", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String redisPort() {
        return up().get("ROOMCAST_REDIS_PORT");
    }

    /** Quarkus and MicroProfile settings for an app using the test services and the test JWT key. */
    public static Map<String, String> appConfig() {
        Map<String, String> env = up();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.reactive.url", env.get("ROOMCAST_PG_URL"));
        config.put("quarkus.datasource.username", env.get("ROOMCAST_PG_USER"));
        config.put("quarkus.datasource.password", env.get("ROOMCAST_PG_PASSWORD"));
        config.put("quarkus.redis.hosts", env.get("ROOMCAST_REDIS_URL"));
        config.put(
                "mp.jwt.verify.publickey.location",
                Tokens.TEST_PUBLIC_KEY.toAbsolutePath().toString());
        config.put("mp.jwt.verify.issuer", Tokens.ISSUER);
        config.put("roomcast.cluster.secret", CLUSTER_SECRET);
        // Packaged apps under test stop fast unless a test sets its own drain window.
        config.put("roomcast.shutdown.drain", "1s");
        // A @QuarkusIntegrationTest's app runs the prod profile: its management interface goes where the test looks for
        // it (quarkus.management.test-port). In-process tests use the test port anyway; pods set their own.
        config.put("quarkus.management.port", MANAGEMENT_TEST_PORT);
        return config;
    }

    public static Path projectDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("scripts/services").toFile().exists()) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "scripts/services not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
