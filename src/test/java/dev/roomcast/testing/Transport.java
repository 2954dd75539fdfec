package dev.roomcast.testing;

import java.net.URI;

/**
 * The two ways a client carries the protocol: transport-neutral tests run over both
 * ({@code @ParameterizedTest @EnumSource(Transport.class)}).
 */
public enum Transport {
    WEBSOCKET {
        @Override
        public ProtocolClient connect(URI base, String token) {
            return WsClient.withBearer(base, token);
        }
    },
    SSE {
        @Override
        public ProtocolClient connect(URI base, String token) {
            return SseClient.withBearer(base, token);
        }
    };

    /** A session authenticated with the token, after its {@code connected} frame. */
    public abstract ProtocolClient connect(URI base, String token);
}
