package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a frame becomes one Server-Sent Event (PROTOCOL.md section 11). */
class SseOutboundTest {

    @Test
    void aFrameIsOneDataLineAndABlankLine() {
        assertEquals("data: {\"event\":\"pong\"}\n\n", SseOutbound.event("{\"event\":\"pong\"}"));
    }

    @Test
    void aLineBreakOfAnyKindStartsAnotherDataLineSoNoFrameCanEndItsEventEarly() {
        assertEquals("data: a\ndata: b\ndata: c\ndata: d\ndata: \n\n", SseOutbound.event("a\nb\r\nc\rd\n"));
    }
}
