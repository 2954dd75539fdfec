package dev.roomcast.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/**
 * A WebSocket client that stops reading: the slow reader of PROTOCOL.md section 8. A plain socket with a small
 * receive buffer, so that what the server writes backs up quickly into the server's own queue. It can send frames
 * while it does not read, and read everything later, up to the close frame, to see what the server did meanwhile.
 */
public final class StalledClient implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private StalledClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Upgrades with a bearer token; the {@code connected} frame stays unread. */
    public static StalledClient connect(URI base, String token) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
            socket.setSoTimeout(10_000);
            StalledClient client = new StalledClient(socket);
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nAuthorization: Bearer " + token + "\r\n\r\n";
            client.out.write(request.getBytes(StandardCharsets.US_ASCII));
            client.out.flush();
            String status = client.readHeaders();
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new IllegalStateException("upgrade refused: " + status);
            }
            return client;
        } catch (IOException e) {
            throw new IllegalStateException("cannot connect", e);
        }
    }

    /** Sends a text frame (masked, as clients must). */
    public void send(String text) {
        sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends text frames in one write, so that the server reads them together. */
    public void sendAll(List<String> texts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String text : texts) {
            all.writeBytes(frame(0x81, text.getBytes(StandardCharsets.UTF_8)));
        }
        sendRaw(all.toByteArray());
    }

    /** Sends a close frame with this code, as a client that ends the connection for that reason would. */
    public void sendClose(int code) {
        sendFrame(0x88, new byte[] {(byte) (code >> 8), (byte) code});
    }

    private void sendFrame(int header, byte[] payload) {
        sendRaw(frame(header, payload));
    }

    private static byte[] frame(int header, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(header);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    /** Writes bytes as they are: frames a well-behaved client would never send. */
    public void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot send", e);
        }
    }

    /** What a reader finds once it reads again: the text frames, in order, and the close code (-1 if none came). */
    public record Backlog(List<String> texts, int closeCode) {}

    /** Reads everything the server wrote, up to its close frame or the end of the stream. */
    public Backlog readAll(Duration timeout) {
        return readUntil(text -> false, timeout);
    }

    /**
     * Reads what the server wrote up to the first text frame matching (included; close code -1), or up to its close
     * frame or the end of the stream.
     */
    public Backlog readUntil(Predicate<String> last, Duration timeout) {
        List<String> texts = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            while (System.nanoTime() < deadline) {
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                long length = second & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                int opcode = first & 0x0f;
                if (opcode == 0x8) {
                    return new Backlog(
                            texts, payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005);
                }
                if (opcode == 0x1) {
                    String text = new String(payload, StandardCharsets.UTF_8);
                    texts.add(text);
                    if (last.test(text)) {
                        return new Backlog(texts, -1);
                    }
                }
            }
        } catch (EOFException e) {
            return new Backlog(texts, -1);
        } catch (IOException e) {
            return new Backlog(texts, -1);
        }
        return new Backlog(texts, -1);
    }

    private String readHeaders() throws IOException {
        InputStream raw = in;
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int next = raw.read();
            if (next < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            headers.append((char) next);
        }
        return headers.substring(0, headers.indexOf("\r\n"));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
