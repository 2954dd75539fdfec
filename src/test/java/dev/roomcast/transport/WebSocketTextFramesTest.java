package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketTextFrames}: the bytes are exactly what Netty's own encoder writes for a server's text frame, a
 * client's decoder reads them back, and one framing serves many writes.
 */
class WebSocketTextFramesTest {

    @Test
    void framesAsNettyDoesAtEveryLengthEncoding() {
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536}) {
            String text = "x".repeat(length);
            assertArrayEquals(nettyFrame(text), bytes(WebSocketTextFrames.encode(text)), "length " + length);
        }
    }

    @Test
    void countsUtf8BytesNotChars() {
        String text = "héllo 👋 " + "ü".repeat(70); // 2-byte and 4-byte characters: 150 bytes from 80 chars
        assertArrayEquals(nettyFrame(text), bytes(WebSocketTextFrames.encode(text)));
    }

    @Test
    void aClientDecoderReadsTheFrameBack() {
        String text = "{\"event\":\"message\",\"data\":{\"text\":\"ça va? 🎉\"}}";
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 65536));
        client.writeInbound(WebSocketTextFrames.encode(text));
        TextWebSocketFrame frame = client.readInbound();
        assertEquals(text, frame.text());
        frame.release();
    }

    @Test
    void leavesTextsLongerThanOneFrameToTheCaller() {
        assertNull(WebSocketTextFrames.encode("x".repeat(WebSocketTextFrames.MAX_PAYLOAD + 1)));
        // Under the limit in chars, over it in bytes.
        assertNull(WebSocketTextFrames.encode("é".repeat(WebSocketTextFrames.MAX_PAYLOAD / 2 + 1)));
        assertNull(WebSocketTextFrames.of("x".repeat(WebSocketTextFrames.MAX_PAYLOAD + 1)));
    }

    @Test
    void oneFramingServesEveryWriteOfTheSameText() {
        String text = "{\"event\":\"tick\"}";
        ByteBuf first = WebSocketTextFrames.of(text);
        ByteBuf second = WebSocketTextFrames.of(text);
        assertNotSame(first, second, "each write owns its own view");
        // Same memory: a write advancing one view's reader index leaves the other whole.
        assertEquals(first.memoryAddress(), second.memoryAddress());
        first.skipBytes(first.readableBytes());
        assertArrayEquals(nettyFrame(text), bytes(second));
        first.release();
        second.release();
    }

    @Test
    void anotherTextEvenEqualIsFramedAnew() {
        String text = "{\"event\":\"tick\"}";
        ByteBuf first = WebSocketTextFrames.of(text);
        ByteBuf equal = WebSocketTextFrames.of(new String(text.toCharArray()));
        assertArrayEquals(bytes(first), bytes(equal));
        first.release();
        equal.release();
    }

    @Test
    void releasesTheFramingOnceTheLastWriteIsDone() {
        String text = new String("{\"event\":\"once\"}".toCharArray());
        ByteBuf write = WebSocketTextFrames.of(text);
        WebSocketTextFrames.of(new String("{\"event\":\"next\"}".toCharArray())).release(); // replaces the framing
        assertEquals(1, write.refCnt(), "the write in flight keeps it");
        write.release();
        assertEquals(0, write.refCnt());
    }

    private static byte[] nettyFrame(String text) {
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        server.writeOutbound(new TextWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
        ByteBuf whole = Unpooled.buffer();
        for (ByteBuf part; (part = server.readOutbound()) != null; ) {
            whole.writeBytes(part);
            part.release();
        }
        return ByteBufUtil.getBytes(whole);
    }

    /** The readable bytes, leaving the buffer as it was; releases a buffer the test made with encode. */
    private static byte[] bytes(ByteBuf buffer) {
        return ByteBufUtil.getBytes(buffer);
    }
}
