package dev.roomcast.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Text frames encoded once, header and all, for every socket a delivery goes to. A delivery hands the same String to
 * every connection of an event loop in turn, so each loop keeps the wire bytes of the last String it framed (compared
 * by identity) in one pooled direct buffer, and every socket writes a duplicate of it: no UTF-8 encoding, no frame
 * object and no copy per recipient. The buffer returns to the pool once the last socket has written it.
 *
 * <p>Frames are server frames (unmasked, RFC 6455 section 5.1), final, uncompressed (RSV1 clear: valid whether or not
 * permessage-deflate was negotiated, RFC 7692 section 6), of at most {@link #MAX_PAYLOAD} bytes, the size Vert.x would
 * split a message at; a longer text gets null, for the caller to write in fragments.
 */
final class WebSocketTextFrames {

    /** Vert.x's default maximum frame size, which its own writes fragment at. */
    static final int MAX_PAYLOAD = 65536;

    /** FIN and the text opcode. */
    private static final int FIN_TEXT = 0x81;

    private static final int MAX_HEADER = 10;

    private static final FastThreadLocal<WebSocketTextFrames> LAST = new FastThreadLocal<>() {
        @Override
        protected WebSocketTextFrames initialValue() {
            return new WebSocketTextFrames();
        }
    };

    private String text;
    private ByteBuf frame;

    private WebSocketTextFrames() {}

    /**
     * The wire bytes of one final text frame carrying {@code text}, for one write: the caller owns the returned
     * buffer (the channel releases it once written). Null when the text is longer than one frame may be.
     */
    static ByteBuf of(String text) {
        return LAST.get().framed(text);
    }

    private ByteBuf framed(String text) {
        if (text != this.text) {
            ByteBuf encoded = encode(text);
            if (frame != null) {
                frame.release();
            }
            this.text = text;
            this.frame = encoded;
        }
        return frame == null ? null : frame.retainedDuplicate();
    }

    /** The whole frame, header first; null when the payload exceeds {@link #MAX_PAYLOAD}. */
    static ByteBuf encode(String text) {
        if (text.length() > MAX_PAYLOAD) {
            return null; // every char is at least one byte
        }
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(MAX_HEADER + ByteBufUtil.utf8MaxBytes(text));
        // The payload first, after room for the longest header; then the header, right before it.
        buffer.writerIndex(MAX_HEADER);
        int length = ByteBufUtil.writeUtf8(buffer, text);
        if (length > MAX_PAYLOAD) {
            buffer.release();
            return null;
        }
        int start;
        if (length < 126) {
            start = MAX_HEADER - 2;
            buffer.setByte(start + 1, length);
        } else if (length <= 0xFFFF) {
            start = MAX_HEADER - 4;
            buffer.setByte(start + 1, 126);
            buffer.setShort(start + 2, length);
        } else {
            start = 0;
            buffer.setByte(1, 127);
            buffer.setLong(2, length);
        }
        buffer.setByte(start, FIN_TEXT);
        buffer.readerIndex(start);
        return buffer;
    }
}
