package dev.roomcast.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The single-pod mode: {@code roomcast.broker=local}, so the local broker and local presence, no Redis. */
public class LocalBrokerProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("roomcast.broker", "local");
    }
}
