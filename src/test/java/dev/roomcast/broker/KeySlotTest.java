package dev.roomcast.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.LocalRedisCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slot a pod computes for a shard channel is the one the cluster's servers compute. */
class KeySlotTest {

    @Test
    void slotsMatchTheServersIncludingHashTagsAndNonAsciiNames() {
        List<String> names = List.of(
                "ws:room:chat:general",
                "ws:room:chat:a",
                "ws:user:alice",
                "ws:user:{alice}",
                "ws:user:a{b}c",
                "ws:user:a{}b",
                "ws:user:a}{b}",
                "ws:user:{{x}}",
                "ws:user:zoë-ünïcode-用户",
                "",
                "x");
        for (String name : names) {
            assertEquals(LocalRedisCluster.slot(name), KeySlot.of(name), name);
        }
    }

    @Test
    void theReferenceValuesOfTheClusterSpecification() {
        // CRC16-XMODEM of "123456789" is 0x31C3; 0x31C3 mod 16384 is 12739.
        assertEquals(12739, KeySlot.of("123456789"));
        assertEquals(KeySlot.of("user1000"), KeySlot.of("{user1000}.following"));
    }
}
