package dev.roomcast.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A client id names the pod that holds its session; anything else names none. */
class NodeIdentityTest {

    @Test
    void aClientIdNamesItsPod() {
        NodeIdentity node = new NodeIdentity();
        String clientId = node.nextClientId();

        assertEquals(node.serverId(), NodeIdentity.serverIdOf(clientId));
        assertEquals("abcdefgh23", NodeIdentity.serverIdOf("abcdefgh23.zz9"));
    }

    @Test
    void anythingElseNamesNoPod() {
        char[] longSequence = new char[14];
        Arrays.fill(longSequence, '1');
        for (String text : new String[] {
            "",
            ".",
            "abcdefgh23",
            "abcdefgh23.",
            "abcdefgh2.1",
            "abcdefgh231.1",
            "abcdefgh89.1",
            "ABCDEFGH23.1",
            "abcdefgh23.1.2",
            "abcdefgh23.-1",
            "abcdefgh23.1\n",
            "abcdefgh23." + new String(longSequence)
        }) {
            assertNull(NodeIdentity.serverIdOf(text), text);
        }
    }
}
