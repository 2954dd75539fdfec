package dev.roomcast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An SSE stream whose reader stops reading: the slow reader of PROTOCOL.md section 8 on the transport of section 11.
 * A plain socket with a small receive buffer reads the response head and the {@code connected} frame (for the session's
 * id, so that frames can be POSTed for it), then nothing until {@link #readAll}, which reads every event up to the end
 * of the stream.
 */
public final class StalledSseClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    /** Bytes of the current chunk not yet read as lines: the stream comes chunked, sizes before the bytes. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private String clientId;

    private StalledSseClient(Socket socket, InputStream in) {
        this.socket = socket;
        this.in = in;
    }

    public static StalledSseClient connect(URI base, String token) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /sse HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort() + "\r\nAccept: text/event-stream\r\n"
                            + "Authorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = line(in);
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("stream refused: " + status);
            }
            while (!line(in).isEmpty()) {
                // headers: chunked, as every stream is
            }
            StalledSseClient client = new StalledSseClient(socket, in);
            JsonNode connected = ProtocolClient.JSON.readTree(client.nextEvent());
            client.clientId = connected.path("data").path("id").asText();
            return client;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the stream", e);
        }
    }

    public String clientId() {
        return clientId;
    }

    /** Every event (its data) still to come, in order, until the stream ends or {@code timeout} passes. */
    public List<String> readAll(Duration timeout) {
        List<String> events = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String event = nextEvent();
                if (event == null) {
                    break;
                }
                events.add(event);
            }
        } catch (SocketTimeoutException silent) {
            // nothing more came
        } catch (IOException e) {
            throw new IllegalStateException("stream broken after " + events.size() + " events", e);
        }
        return events;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is asked
        }
    }

    /** The next event's data, de-chunked; comments skipped; null at the end of the stream. */
    private String nextEvent() throws IOException {
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = eventLine()) != null) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    return data.toString();
                }
            } else if (line.startsWith("data: ")) {
                data.append(line.substring(6));
            }
        }
        return null;
    }

    private String eventLine() throws IOException {
        while (true) {
            byte[] bytes = pending.toByteArray();
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    pending.reset();
                    pending.write(bytes, i + 1, bytes.length - i - 1);
                    return new String(bytes, 0, i, StandardCharsets.UTF_8);
                }
            }
            int size = Integer.parseInt(line(in).trim(), 16);
            if (size == 0) {
                return null;
            }
            pending.write(in.readNBytes(size));
            line(in); // the CRLF after the chunk
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("connection closed");
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
