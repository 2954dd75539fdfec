package dev.roomcast.bench;

import io.netty.buffer.ByteBuf;
import org.HdrHistogram.Histogram;

/**
 * Delivery latency and count, on the one event loop that reads every receiver (so no locks). The stamp is read
 * straight from the frame's bytes: decoding 170k frames a second into Strings would make the client the bottleneck.
 */
final class Deliveries {

    private static final byte[] STAMP = "\"t\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Microseconds, up to a minute, three significant digits. */
    private final Histogram latency = new Histogram(60_000_000L, 3);

    private long count;

    /** Records the frame if it carries a stamp; false for other frames (pings, acks). */
    boolean record(ByteBuf frame, long nowNanos) {
        int at = indexOf(frame, STAMP);
        if (at < 0) {
            return false;
        }
        long sent = 0;
        for (int i = at + STAMP.length; i < frame.writerIndex(); i++) {
            byte digit = frame.getByte(i);
            if (digit < '0' || digit > '9') {
                break;
            }
            sent = sent * 10 + (digit - '0');
        }
        latency.recordValue(Math.max(0, (nowNanos - sent) / 1000));
        count++;
        return true;
    }

    void reset() {
        latency.reset();
        count = 0;
    }

    long count() {
        return count;
    }

    /** Milliseconds at a percentile. */
    double percentileMillis(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
        return latency.getMaxValue() / 1000.0;
    }

    /** Where the needle starts in the frame's readable bytes, or -1. */
    static int indexOf(ByteBuf frame, byte[] needle) {
        int end = frame.writerIndex() - needle.length;
        outer:
        for (int i = frame.readerIndex(); i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (frame.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
