package dev.roomcast.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real pod: the packaged application ({@code target/quarkus-app/quarkus-run.jar}, prod profile) started as a
 * separate process on a free port, against the test PostgreSQL and Redis. Its log goes to
 * {@code target/pods/NAME.log}. Multi-pod and fault tests start several.
 */
public final class Pod implements AutoCloseable {

    /**
     * Rate limits out of the way (WebSocket and HTTP), for tests that send at full speed (the defaults would make them
     * minute-long waits).
     */
    public static final Map<String, String> UNLIMITED_RATES = Map.of(
            "roomcast.rate-limits.all.rate",
            "100000",
            "roomcast.rate-limits.all.burst",
            "100000",
            "roomcast.rate-limits.\"message.send\".rate",
            "100000",
            "roomcast.rate-limits.\"message.send\".burst",
            "100000",
            "roomcast.rest-rate-limits.writes.rate",
            "100000",
            "roomcast.rest-rate-limits.writes.burst",
            "100000",
            "roomcast.rest-rate-limits.reads.rate",
            "100000",
            "roomcast.rest-rate-limits.reads.burst",
            "100000");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final URI base;
    private final URI management;
    private final Path log;

    private Pod(String name, Process process, URI base, URI management, Path log) {
        this.name = name;
        this.process = process;
        this.base = base;
        this.management = management;
        this.log = log;
    }

    /** A pod configuration with one more key (or one replaced). */
    public static Map<String, String> with(Map<String, String> config, String key, String value) {
        Map<String, String> more = new java.util.HashMap<>(config);
        more.put(key, value);
        return Map.copyOf(more);
    }

    /** Starts a pod and waits until it is ready. */
    public static Pod start(String name, Map<String, String> extraConfig) {
        Path jar = LocalServices.projectDir().resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the application first (./mvnw verify does)");
        }
        int port = freePort();
        int managementPort = freePort();
        Map<String, String> config = new LinkedHashMap<>(LocalServices.appConfig());
        config.put("quarkus.http.port", String.valueOf(port));
        config.put("quarkus.management.port", String.valueOf(managementPort));
        config.put("roomcast.broker", "redis");
        config.putAll(extraConfig);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Path log = LocalServices.projectDir().resolve("target/pods/" + name + ".log");
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Pod pod = new Pod(
                    name,
                    process,
                    URI.create("http://127.0.0.1:" + port),
                    URI.create("http://127.0.0.1:" + managementPort),
                    log);
            pod.awaitReady(Duration.ofSeconds(90));
            return pod;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start pod " + name, e);
        }
    }

    public URI base() {
        return base;
    }

    /** The pod's management interface: health and metrics. */
    public URI management() {
        return management;
    }

    /** The pod's process id, for tools that look at the process itself (memory, heap). */
    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public int readinessStatus() {
        try {
            HttpRequest request = HttpRequest.newBuilder(management.resolve("/q/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public void awaitReady(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("pod " + name + " exited with " + process.exitValue() + ": see " + log);
            }
            return readinessStatus() == 200;
        });
    }

    /** SIGTERM without waiting: the pod starts its graceful shutdown. */
    public void terminate() {
        process.destroy();
    }

    /** @return whether the process exited within the timeout */
    public boolean awaitExit(Duration timeout) {
        return waitFor((int) Math.max(1, timeout.toSeconds()));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the pod dies without closing anything. */
    public void kill() {
        process.destroyForcibly();
        waitFor(10);
    }

    /** Stops every pod given (nulls, from a failed start, are skipped). */
    public static void closeAll(Pod... pods) {
        for (Pod pod : pods) {
            if (pod != null) {
                pod.close();
            }
        }
    }

    /** SIGTERM, then SIGKILL if the pod has not exited within 30 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!waitFor(30)) {
                kill();
            }
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
