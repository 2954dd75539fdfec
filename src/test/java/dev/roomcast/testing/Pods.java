package dev.roomcast.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Extra pods for a test class, started before its first test and stopped after its last, whatever happened in
 * between (a pod that failed to start stops the others it started):
 *
 * <pre>
 * &#64;RegisterExtension
 * static final Pods PODS = Pods.of("chat-1", Pod.UNLIMITED_RATES).and("chat-2", Pod.UNLIMITED_RATES);
 * ... PODS.first().base() ...
 * </pre>
 */
public final class Pods implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, Map<String, String>> specs = new LinkedHashMap<>();
    private final List<Pod> started = new ArrayList<>();

    private Pods() {}

    /** A pod named {@code name} (its instance name in logs), with settings on top of the test defaults. */
    public static Pods of(String name, Map<String, String> config) {
        return new Pods().and(name, config);
    }

    public Pods and(String name, Map<String, String> config) {
        specs.put(name, Map.copyOf(config));
        return this;
    }

    public Pod first() {
        return get(0);
    }

    public Pod second() {
        return get(1);
    }

    /** The pods in declaration order; only valid while the class runs. */
    public Pod get(int index) {
        if (index >= started.size()) {
            throw new IllegalStateException("pod " + index + " is not running: register Pods as a static extension");
        }
        return started.get(index);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            specs.forEach((name, config) -> started.add(Pod.start(name, config)));
        } catch (RuntimeException | Error failure) {
            stopAll();
            throw failure;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopAll();
    }

    private void stopAll() {
        Pod.closeAll(started.toArray(Pod[]::new));
        started.clear();
    }
}
