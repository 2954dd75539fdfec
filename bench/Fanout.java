import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fan-out benchmark client: N receivers in one room, one sender publishing M events at a fixed rate; prints the
 * server's CPU per delivery, its resident memory per connection and the delivery latency percentiles. The whole load
 * is sent twice; only the second pass is measured (the first warms the JIT up).
 * Usage: java Fanout.java KIND URL SERVER_PID N M RATE [TOKEN]; KIND is roomcast, roomcast-sse, vertx or socketio.
 * With roomcast-sse, URL is the server's http://host:port: the receivers are Server-Sent Event streams (joined by a
 * POST), the sender the same WebSocket client as with roomcast, so the two differ only in how frames reach receivers.
 */
public class Fanout {
    static final Pattern STAMP = Pattern.compile("\"t\":(\\d+)");
    static final Pattern CLIENT_ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    static String kind;

    public static void main(String[] args) throws Exception {
        kind = args[0];
        String url = args[1];
        int pid = Integer.parseInt(args[2]);
        int receivers = Integer.parseInt(args[3]);
        int messages = Integer.parseInt(args[4]);
        int rate = Integer.parseInt(args[5]);
        String token = args.length > 6 ? args[6] : null;
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        boolean sse = kind.equals("roomcast-sse");
        String senderUrl = sse ? "ws" + url.substring("http".length()) + "/ws" : url;

        long rssBefore = rssKb(pid);
        long[] latencies = new long[receivers * messages];
        AtomicLong received = new AtomicLong();
        AtomicLong warmupLeft = new AtomicLong((long) receivers * messages);
        CountDownLatch ready = new CountDownLatch(receivers);
        CountDownLatch warmedUp = new CountDownLatch(receivers * messages);
        CountDownLatch done = new CountDownLatch(receivers * messages);
        List<WebSocket> sockets = new ArrayList<>();
        OnText measure = text -> {
            Matcher stamp = STAMP.matcher(text);
            if (stamp.find()) {
                if (warmupLeft.getAndDecrement() > 0) {
                    warmedUp.countDown(); // the same load once first: JIT compilation is not measured
                    return;
                }
                long latency = System.nanoTime() - Long.parseLong(stamp.group(1));
                int slot = (int) received.getAndIncrement();
                if (slot < latencies.length) {
                    latencies[slot] = latency;
                }
                done.countDown();
            }
        };
        for (int i = 0; i < receivers; i++) {
            if (sse) {
                stream(http, url, token, ready, measure);
            } else {
                sockets.add(connect(http, url, token, ready, measure));
            }
        }
        CountDownLatch senderReady = new CountDownLatch(1);
        WebSocket sender = connect(http, senderUrl, token, senderReady, text -> {});
        if (!ready.await(60, TimeUnit.SECONDS) || !senderReady.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("clients not ready");
        }
        Thread.sleep(2000);
        long rssConnected = rssKb(pid);

        long periodNanos = 1_000_000_000L / rate;
        send(sender, messages, periodNanos);
        if (!warmedUp.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("warm-up not delivered");
        }
        long cpuBefore = cpuTicks(pid);
        send(sender, messages, periodNanos);
        boolean all = done.await(120, TimeUnit.SECONDS);
        long cpuAfter = cpuTicks(pid);

        long count = Math.min(received.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, (int) count);
        Arrays.sort(sorted);
        double cpuSeconds = (cpuAfter - cpuBefore) / 100.0;
        System.out.printf(
                "%s: receivers=%d messages=%d rate=%d/s delivered=%d%s%n",
                kind, receivers, messages, rate, count, all ? "" : " (INCOMPLETE)");
        System.out.printf("  server CPU per delivery: %.2f us%n", cpuSeconds * 1e6 / count);
        System.out.printf(
                "  latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                sorted[(int) (count * 0.50)] / 1e6, sorted[(int) (count * 0.99)] / 1e6, sorted[(int) count - 1] / 1e6);
        System.out.printf(
                "  server RSS per connection: %.1f KiB (%d KiB idle, %d KiB with %d connections)%n",
                (rssConnected - rssBefore) / (double) (receivers + 1), rssBefore, rssConnected, receivers + 1);
        System.exit(0);
    }

    static void send(WebSocket sender, int messages, long periodNanos) {
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            long due = start + i * periodNanos;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            sender.sendText(publish(i, System.nanoTime()), true).join();
        }
    }

    static String publish(int seq, long stamp) {
        String payload = "{\"seq\":" + seq + ",\"t\":" + stamp + "}";
        return switch (kind) {
            case "roomcast", "roomcast-sse" ->
                "{\"event\":\"publish\",\"data\":{\"room\":\"bench:room\",\"event\":\"tick\",\"data\":" + payload
                        + "}}";
            case "socketio" -> "42[\"publish\"," + payload + "]";
            default -> payload;
        };
    }

    interface OnText {
        void accept(String text);
    }

    static WebSocket connect(HttpClient http, String url, String token, CountDownLatch ready, OnText onText)
            throws Exception {
        boolean roomcast = kind.startsWith("roomcast");
        String target = roomcast ? url + "?access_token=" + token : url;
        return http.newWebSocketBuilder()
                .buildAsync(URI.create(target), new WebSocket.Listener() {
                    StringBuilder buffer = new StringBuilder();
                    boolean joined;

                    public void onOpen(WebSocket ws) {
                        if (kind.equals("vertx")) {
                            ready.countDown();
                        }
                        ws.request(1);
                    }

                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        buffer.append(data);
                        if (last) {
                            String text = buffer.toString();
                            buffer = new StringBuilder();
                            handle(ws, text);
                        }
                        ws.request(1);
                        return null;
                    }

                    void handle(WebSocket ws, String text) {
                        switch (roomcast ? "roomcast" : kind) {
                            case "roomcast" -> {
                                if (text.startsWith("{\"event\":\"connected\"")) {
                                    ws.sendText(
                                            "{\"event\":\"join\",\"id\":\"j\",\"data\":{\"rooms\":[\"bench:room\"]}}",
                                            true);
                                } else if (!joined && text.startsWith("{\"event\":\"ack\",\"id\":\"j\"")) {
                                    joined = true;
                                    ready.countDown();
                                } else {
                                    onText.accept(text);
                                }
                            }
                            case "socketio" -> {
                                if (text.startsWith("0")) {
                                    ws.sendText("40", true);
                                } else if (text.startsWith("40")) {
                                    ready.countDown();
                                } else if (text.equals("2")) {
                                    ws.sendText("3", true);
                                } else if (text.startsWith("42")) {
                                    onText.accept(text);
                                }
                            }
                            default -> onText.accept(text);
                        }
                    }
                })
                .join();
    }

    /** A receiver over Server-Sent Events: the stream, then a POST that joins the room; no thread per stream. */
    static void stream(HttpClient http, String base, String token, CountDownLatch ready, OnText onText) {
        HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/sse?access_token=" + token))
                .build();
        http.sendAsync(get, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
            boolean joined;

            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            public void onNext(String line) {
                if (!line.startsWith("data: ")) {
                    return; // the blank line ending each event, and keep-alive comments
                }
                String text = line.substring("data: ".length());
                if (text.startsWith("{\"event\":\"connected\"")) {
                    Matcher id = CLIENT_ID.matcher(text);
                    if (!id.find()) {
                        throw new IllegalStateException("no client id in " + text);
                    }
                    HttpRequest join = HttpRequest.newBuilder(URI.create(base + "/sse/" + id.group(1)))
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"event\":\"join\",\"id\":\"j\",\"data\":{\"rooms\":[\"bench:room\"]}}"))
                            .build();
                    http.sendAsync(join, HttpResponse.BodyHandlers.discarding()).thenAccept(answer -> {
                        if (answer.statusCode() != 202) {
                            System.err.println("join POST answered " + answer.statusCode());
                        }
                    });
                } else if (!joined && text.startsWith("{\"event\":\"ack\",\"id\":\"j\"")) {
                    joined = true;
                    ready.countDown();
                } else {
                    onText.accept(text);
                }
            }

            public void onError(Throwable failure) {
                System.err.println("stream failed: " + failure);
            }

            public void onComplete() {}
        }));
    }

    static long cpuTicks(int pid) throws Exception {
        String[] fields = Files.readString(Path.of("/proc/" + pid + "/stat"))
                .split("\\) ")[1]
                .split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
    }

    static long rssKb(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
