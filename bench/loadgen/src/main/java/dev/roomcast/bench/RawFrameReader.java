package dev.roomcast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reads a server's WebSocket frames straight from the socket's bytes once the handshake is done, in place of Netty's
 * decoder: a delivery is recorded where it lies in the buffer, with no frame object and no copy, so that the load
 * generator spends less per delivery than the servers it measures. Frames that are not deliveries (setup, Engine.IO
 * pings) go on as {@link TextWebSocketFrame}s; pings are answered; a close frame closes. On an encrypted connection
 * every text frame after {@code connected} is opened first (a copy: the price of reading a sealed delivery).
 */
final class RawFrameReader extends ByteToMessageDecoder {

    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;

    private final Deliveries deliveries;
    private final BooleanSupplier ready;
    /** The connection's keys when it is encrypted: text frames after {@code connected} are opened first. */
    private final SealedSession keys;

    RawFrameReader(Deliveries deliveries, BooleanSupplier ready, SealedSession keys) {
        this.deliveries = deliveries;
        this.ready = ready;
        this.keys = keys;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        long now = System.nanoTime();
        while (in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int opcode = in.getByte(start) & 0x0F;
            int second = in.getByte(start + 1) & 0xFF;
            boolean masked = (second & 0x80) != 0;
            long length = second & 0x7F;
            int header = 2;
            if (length == 126) {
                if (in.readableBytes() < 4) {
                    return;
                }
                length = in.getUnsignedShort(start + 2);
                header = 4;
            } else if (length == 127) {
                if (in.readableBytes() < 10) {
                    return;
                }
                length = in.getLong(start + 2);
                header = 10;
            }
            if (masked) {
                header += 4; // servers do not mask; skipped rather than trusted
            }
            if (in.readableBytes() < header + length) {
                return;
            }
            ByteBuf payload = in.slice(start + header, (int) length);
            in.skipBytes(header + (int) length);
            if (opcode == TEXT && keys != null && keys.agreed()) {
                ByteBuf plain = keys.open(payload);
                if (!ready.getAsBoolean() || !deliveries.record(plain, now)) {
                    out.add(new TextWebSocketFrame(plain));
                } else {
                    plain.release();
                }
            } else if (opcode == TEXT) {
                if (!ready.getAsBoolean() || !deliveries.record(payload, now)) {
                    out.add(new TextWebSocketFrame(payload.retain()));
                }
            } else if (opcode == PING) {
                ctx.writeAndFlush(new PongWebSocketFrame(payload.retain()));
            } else if (opcode == CLOSE) {
                ctx.close();
                return;
            }
        }
    }
}
