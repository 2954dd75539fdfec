package dev.roomcast.testing;

import dev.roomcast.protocol.BodySigner;

/** Redis bodies as a pod of the test cluster writes them: signed with the test cluster's secret. */
public final class PodBodies {

    private static final BodySigner SIGNER = new BodySigner(LocalServices.CLUSTER_SECRET);

    private PodBodies() {}

    public static String signed(String body) {
        return SIGNER.sign(body);
    }
}
