package dev.roomcast.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One benchmark connection: it sets itself up as its peer requires (answering the server's first frame, waiting for
 * the join ack), completes {@code ready}, and from then on counts every stamped frame as a delivery.
 */
final class BenchClient extends SimpleChannelInboundHandler<TextWebSocketFrame> {

    private final Peer peer;
    private final String room;
    private final Deliveries deliveries;
    private final CompletableFuture<Channel> ready;
    /** The connection's keys when it is encrypted, else null. */
    private final SealedSession keys;

    private boolean connected;

    BenchClient(
            Peer peer, String room, Deliveries deliveries, CompletableFuture<Channel> ready, SealedSession keys) {
        this.peer = peer;
        this.room = room;
        this.deliveries = deliveries;
        this.ready = ready;
        this.keys = keys;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            ctx.pipeline().replace("ws-decoder", "raw-frames", new RawFrameReader(deliveries, ready::isDone, keys));
            if (!peer.waitsForConnected()) {
                connect(ctx);
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        if (ready.isDone() && deliveries.record(frame.content(), System.nanoTime())) {
            return;
        }
        String text = frame.content().toString(StandardCharsets.UTF_8);
        String reply = peer.reply(text);
        if (reply != null) {
            ctx.writeAndFlush(SealedSession.frame(ctx.channel(), reply));
        }
        if (!connected) {
            if (keys != null) {
                keys.agree(text); // connected is plaintext; everything after it is sealed
            }
            connect(ctx);
        } else if (!ready.isDone() && peer.isReady(text)) {
            ready.complete(ctx.channel());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ready.completeExceptionally(new IllegalStateException("closed before it was ready"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.completeExceptionally(cause);
        ctx.close();
    }

    private void connect(ChannelHandlerContext ctx) {
        connected = true;
        List<String> frames = peer.afterConnected(room);
        for (String frame : frames) {
            ctx.writeAndFlush(SealedSession.frame(ctx.channel(), frame));
        }
        if (frames.isEmpty()) {
            ready.complete(ctx.channel());
        }
    }
}
