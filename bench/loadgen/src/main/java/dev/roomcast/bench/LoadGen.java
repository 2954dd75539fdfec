package dev.roomcast.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The fan-out load generator: RECEIVERS connections in one room and one sender publishing at RATE messages a second,
 * all on one Netty event loop (epoll where the kernel has it), meant to run on its own core. A warm-up pass, then a
 * measured pass; it prints one line of figures: deliveries a second, losses, latency percentiles (sender stamp to
 * receiver, one clock) and the server's CPU time per delivery.
 *
 * <pre>java -cp target/classes:target/lib/* dev.roomcast.bench.LoadGen PEER URL SERVER_PID RECEIVERS RATE SECONDS</pre>
 *
 * RECEIVERS may be {@code ROOMSxMEMBERS} ({@code 200x10}): that many rooms of that many receivers, a sender in each,
 * the senders publishing in turn at RATE messages a second in all (the many-rooms scenario).
 * PEER is roomcast, socketio, ws or vertx; the URL carries what the peer needs (Roomcast: {@code ?access_token=}).
 * Several servers (pods of one cluster): URLs and pids separated by commas; receivers are spread over the URLs in
 * turn, the sender publishes to the first, and CPU and memory are the servers' sums.
 * RATE may be a list: one measured pass per rate on the same connections; a rising list ({@code 50,80,110}) is the
 * saturation scenario, which stops after the first rate above the first that the server did not keep up with (a loss,
 * or p99 over 50 ms, twice); it may begin with several passes at the first rate ({@code 50,50,50,60,70}), each
 * printed. RATE 0 is the idle scenario: the receivers are opened and held for SECONDS, and the line reports the time it took to
 * open them and the growth of the server's resident memory per connection.
 */
public final class LoadGen {

    /** Connections being opened at once: more only queue in the server's accept backlog. */
    private static final int OPENING_AT_ONCE = 64;

    private static final int PAYLOAD_BYTES = 100;

    /**
     * Waves of connections opened and closed before the idle scenario's three measured ones: a JIT keeps compiling a path
     * taken once per connection for tens of thousands of connections on one core. Roomcast's compiler threads took 34 to
     * 42 % of its CPU through the first eleven waves of 5000 (2026-12-03, {@code jit-share} in the line), then under 5 %,
     * its CPU per connection falling from 300 to 150 us; bare Vert.x's settled after six. Five waves, until then, measured
     * Roomcast's JIT at work, not a warmed-up server. Every peer gets the same waves; the line shows the JVMs' share.
     */
    private static final int WARM_UP_WAVES = 15;

    /**
     * The delivery scenarios' warm-up pass, per server. Ten seconds left Roomcast's compiler threads with 6 to 14 % of
     * its CPU in the first measured passes (2026-12-03, {@code jit-share} in each line): the connections' path, compiled
     * meanwhile, had a backlog of its own.
     */
    private static final int WARM_UP_SECONDS = 30;

    /** The servers' core (bench/run pins them to CPU 0), whose stolen time every pass reports. */
    private static final StolenTime SERVER_CORE = new StolenTime(0);

    /** A step of the saturation scenario fails when its p99 passes this, or when a delivery is lost. */
    private static final double SATURATION_P99_MILLIS = 50;

    private final Peer peer;
    /** Roomcast with transport encryption ({@code roomcast-sealed}): every client agrees keys, every frame sealed. */
    private final boolean sealed;
    /** The servers' URLs: receivers are spread over them in turn; the sender uses the first. */
    private final List<URI> uris;
    private final EventLoopGroup loop;
    private final Class<? extends SocketChannel> channelType;
    private final Deliveries deliveries = new Deliveries();

    private LoadGen(Peer peer, boolean sealed, List<URI> uris) {
        this.peer = peer;
        this.sealed = sealed;
        this.uris = uris;
        boolean epoll = Epoll.isAvailable();
        this.loop = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static void main(String[] args) throws Exception {
        // Leak tracking samples buffers and costs time on every read; the generator is not where leaks are looked for.
        System.setProperty("io.netty.leakDetection.level", "disabled");
        if (args.length < 6) {
            System.err.println("usage: LoadGen PEER URL SERVER_PID RECEIVERS RATE SECONDS");
            System.exit(2);
        }
        boolean sealed = args[0].equals("roomcast-sealed");
        Peer peer = sealed ? Peer.ROOMCAST : Peer.named(args[0]);
        LoadGen generator = new LoadGen(
                peer, sealed, Arrays.stream(args[1].split(",")).map(URI::create).toList());
        try {
            int[] rates = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
            generator.run(ServerCpu.of(args[2]), Layout.parse(args[3]), rates, Integer.parseInt(args[5]));
        } finally {
            generator.loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Rooms of receivers: one room of all ({@code 1000}) or many of a few ({@code 200x10}). */
    private record Layout(int rooms, int perRoom) {

        static Layout parse(String receivers) {
            String[] parts = receivers.split("x");
            return parts.length == 1
                    ? new Layout(1, Integer.parseInt(parts[0]))
                    : new Layout(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        int receivers() {
            return rooms * perRoom;
        }

        String room(int index) {
            return rooms == 1 ? "fanout" : "r" + index;
        }
    }

    private void run(ServerCpu cpu, Layout layout, int[] rates, int seconds) throws Exception {
        if (rates.length == 1 && rates[0] == 0) {
            idle(cpu, layout.receivers(), seconds);
            return;
        }
        long opening = System.nanoTime();
        // Receiver i is in room i / perRoom and on server i % servers, so that each room spans the servers.
        List<Channel> channels =
                open(layout.receivers(), i -> uris.get(i % uris.size()), i -> layout.room(i / layout.perRoom()), deliveries);
        double openSeconds = (System.nanoTime() - opening) / 1e9;
        List<Channel> senders = open(layout.rooms(), i -> uris.get(0), layout::room, new Deliveries());
        keepAlive(channels);

        // Long enough for a JIT (the JVM's C2, V8's TurboFan) to have compiled the delivery path: each of several servers
        // sees its share of the deliveries, and they compile on one core, so several take as many times as long.
        publish(senders, layout, rates[0], Math.max(WARM_UP_SECONDS, seconds) * uris.size());
        drain(Long.MAX_VALUE, 1000);
        boolean steppingUp = rates.length > 1 && rates[rates.length - 1] > rates[0];
        for (int rate : rates) {
            // Passes at the first rate are measured as they come (a stepped list may begin with several, the fixed
            // rate's figures); above it, a failed step is tried once more: what else runs on a shared machine only
            // ever slows a server down, so the better of two tries is nearer what the server itself can do. Both
            // tries are printed.
            boolean stepAbove = steppingUp && rate > rates[0];
            boolean keptUp = step(cpu, senders, layout, rate, seconds, openSeconds)
                    || (stepAbove && step(cpu, senders, layout, rate, seconds, openSeconds));
            if (!keptUp && stepAbove) {
                break;
            }
        }
        for (Channel channel : channels) {
            channel.close();
        }
        for (Channel sender : senders) {
            sender.close().sync();
        }
    }

    /**
     * One measured pass at one rate; prints its line.
     *
     * @return whether the server kept up: nothing lost and p99 within {@link #SATURATION_P99_MILLIS}
     */
    private boolean step(ServerCpu cpu, List<Channel> senders, Layout layout, int rate, int seconds, double openSeconds)
            throws Exception {
        loop.submit(deliveries::reset).get();
        ServerCpu self = new ServerCpu(ProcessHandle.current().pid());
        long cpuBefore = cpu.micros();
        long compilerBefore = cpu.compilerMicros();
        long selfBefore = self.micros();
        long stolenBefore = SERVER_CORE.micros();
        long started = System.nanoTime();
        long sent = publish(senders, layout, rate, seconds);
        long expected = sent * layout.perRoom();
        drain(expected, 5000);
        double elapsed = (System.nanoTime() - started) / 1e9;
        long cpuAfter = cpu.micros();
        long compiling = cpu.compilerMicros() - compilerBefore;
        long selfAfter = self.micros();
        long stolen = SERVER_CORE.micros() - stolenBefore;
        // Read on the event loop that writes them.
        long delivered = loop.submit(deliveries::count).get();
        double p99 = loop.submit(() -> deliveries.percentileMillis(99)).get();
        String figures = loop.submit(() -> String.format(
                        Locale.ROOT,
                        "delivered=%d lost=%d p50=%.1fms p99=%.1fms p999=%.1fms max=%.1fms",
                        deliveries.count(), expected - deliveries.count(), deliveries.percentileMillis(50),
                        deliveries.percentileMillis(99), deliveries.percentileMillis(99.9), deliveries.maxMillis()))
                .get();
        boolean keptUp = delivered >= expected && p99 <= SATURATION_P99_MILLIS;
        System.out.printf(
                Locale.ROOT,
                "%s receivers=%d rooms=%d rate=%d offered=%d/s %s server-cpu/delivery=%.2fus"
                        + " loadgen-cpu/delivery=%.2fus server-busy=%.1f%% loadgen-busy=%.1f%% stolen=%.1f%% open=%.2fs"
                        + " jit-share=%.0f%% %s%n",
                label(), layout.receivers(), layout.rooms(), rate,
                (long) rate * layout.perRoom(), figures,
                perDelivery(cpuAfter - cpuBefore, delivered), perDelivery(selfAfter - selfBefore, delivered),
                (cpuAfter - cpuBefore) / (elapsed * 1e4), (selfAfter - selfBefore) / (elapsed * 1e4),
                stolen / (elapsed * 1e4), openSeconds,
                cpuAfter == cpuBefore ? 0.0 : 100.0 * compiling / (cpuAfter - cpuBefore),
                keptUp ? "kept-up" : "saturated");
        System.out.flush();
        return keptUp;
    }

    /**
     * Opens the receivers, holds them, and reports what they cost the server: memory each, and time to open them twice.
     * A first wave of a fifth as many connections, opened and closed, warms the server's JIT up a little before the
     * memory wave, whose opening is reported as "cold": a JIT has not compiled a path taken a few thousand times yet.
     * The memory wave is closed, {@link #WARM_UP_WAVES} more as large are opened and closed, then three more, and the
     * median time and CPU of opening those three are the figures of a warmed-up server, as the other scenarios' are.
     */
    private void idle(ServerCpu server, int receivers, int seconds) throws Exception {
        closeAll(open(Math.max(1, receivers / 5), new Deliveries()));
        Thread.sleep(2000);
        long residentBefore = server.residentKib();
        long cpuBefore = server.micros();
        long opening = System.nanoTime();
        List<Channel> channels = open(receivers, deliveries);
        double coldSeconds = (System.nanoTime() - opening) / 1e9;
        long coldCpu = server.micros() - cpuBefore;
        ScheduledFuture<?> keepingAlive = keepAlive(channels);
        Thread.sleep(seconds * 1000L);
        long residentAfter = server.residentKib();
        if (keepingAlive != null) {
            keepingAlive.cancel(false);
        }
        closeAll(channels);
        Thread.sleep(2000);
        // Every wave's time and server CPU; the warmed-up figures are the median of the last three, so that one slow
        // wave (a collection, a neighbour on the machine) does not decide them.
        int waves = WARM_UP_WAVES + 3;
        double[] times = new double[waves];
        double[] cpus = new double[waves];
        double[] compiling = new double[waves];
        StringJoiner all = new StringJoiner(",");
        for (int wave = 0; wave < waves; wave++) {
            long cpuAtStart = server.micros();
            long compilerAtStart = server.compilerMicros();
            long waveStart = System.nanoTime();
            List<Channel> opened = open(receivers, new Deliveries());
            times[wave] = (System.nanoTime() - waveStart) / 1e9;
            long cpu = server.micros() - cpuAtStart;
            cpus[wave] = cpu / (double) receivers;
            compiling[wave] = cpu == 0 ? 0 : 100.0 * (server.compilerMicros() - compilerAtStart) / cpu;
            all.add(String.format(Locale.ROOT, "%.2f", times[wave]));
            closeAll(opened);
            Thread.sleep(2000);
        }
        System.out.printf(
                Locale.ROOT,
                "%s idle receivers=%d open=%.2fs server-cpu/open=%.0fus open-cold=%.2fs server-cpu/open-cold=%.0fus"
                        + " rss-before=%dKiB rss-after=%dKiB rss/connection=%.1fKiB waves=%ss jit-share=%s%n",
                label(), receivers, medianOfLastThree(times), medianOfLastThree(cpus),
                coldSeconds, coldCpu / (double) receivers, residentBefore, residentAfter,
                (residentAfter - residentBefore) / (double) receivers, all, percents(compiling));
    }

    private static String percents(double[] values) {
        StringJoiner joined = new StringJoiner(",");
        for (double value : values) {
            joined.add(String.format(Locale.ROOT, "%.0f%%", value));
        }
        return joined.toString();
    }

    private String label() {
        return peer.name().toLowerCase(Locale.ROOT) + (sealed ? "-sealed" : "");
    }

    private static double medianOfLastThree(double[] values) {
        double[] last = Arrays.copyOfRange(values, values.length - 3, values.length);
        Arrays.sort(last);
        return last[1];
    }

    private static void closeAll(List<Channel> channels) throws InterruptedException {
        for (Channel channel : channels) {
            channel.close().sync();
        }
    }

    private static double perDelivery(long micros, long delivered) {
        return delivered == 0 ? 0.0 : micros / (double) delivered;
    }

    /** Receivers of one room spread over the servers (the idle scenario). */
    private List<Channel> open(int count, Deliveries counting) throws Exception {
        return open(count, i -> uris.get(i % uris.size()), i -> "fanout", counting);
    }

    /** Opens connections, at most OPENING_AT_ONCE in flight, and returns them once every one is set up. */
    private List<Channel> open(int count, IntFunction<URI> server, IntFunction<String> room, Deliveries counting)
            throws Exception {
        List<Channel> opened = new ArrayList<>(count);
        List<CompletableFuture<Channel>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(connect(server.apply(i), room.apply(i), counting));
            if (batch.size() == OPENING_AT_ONCE || i == count - 1) {
                for (CompletableFuture<Channel> ready : batch) {
                    opened.add(ready.get(60, TimeUnit.SECONDS));
                }
                batch.clear();
            }
        }
        return opened;
    }

    private CompletableFuture<Channel> connect(URI server, String room, Deliveries counting) {
        CompletableFuture<Channel> ready = new CompletableFuture<>();
        SealedSession keys = sealed ? SealedSession.generate() : null;
        URI uri = keys == null ? peer.roomUri(server, room) : keys.withPublicKey(peer.roomUri(server, room));
        int port = uri.getPort();
        new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.attr(SealedSession.KEY).set(keys);
                        channel.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(65536))
                                .addLast(new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                        uri, WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), 65536)))
                                .addLast(new BenchClient(peer, room, counting, ready, keys));
                    }
                })
                .connect(uri.getHost(), port)
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        ready.completeExceptionally(connected.cause());
                    }
                });
        return ready;
    }

    /**
     * Publishes at a fixed rate for a while, paced by a 1 ms tick on the event loop, the rooms' senders in turn; returns
     * how many were sent.
     */
    private long publish(List<Channel> senders, Layout layout, int rate, int seconds) throws Exception {
        String padding = "x".repeat(PAYLOAD_BYTES);
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        long[] sent = {0};
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> ticker = loop.scheduleAtFixedRate(
                () -> {
                    long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
                    Channel last = null;
                    while (sent[0] < due) {
                        int room = (int) (sent[0] % senders.size());
                        Channel sender = senders.get(room);
                        if (last != null && last != sender) {
                            last.flush();
                        }
                        sender.write(SealedSession.frame(
                                sender,
                                peer.publish(
                                        layout.room(room),
                                        "{\"t\":" + System.nanoTime() + ",\"p\":\"" + padding + "\"}")));
                        last = sender;
                        sent[0]++;
                    }
                    if (last != null) {
                        last.flush();
                    }
                    if (sent[0] == total) {
                        done.complete(null);
                    }
                },
                0,
                1,
                TimeUnit.MILLISECONDS);
        done.get(seconds + 30L, TimeUnit.SECONDS);
        ticker.cancel(false);
        return sent[0];
    }

    /** Waits until `expected` deliveries arrived, or until none arrived for `quietMillis`. */
    private void drain(long expected, long quietMillis) throws Exception {
        long last = -1;
        long quietSince = System.nanoTime();
        while (true) {
            long now = loop.submit(deliveries::count).get();
            if (now >= expected) {
                return;
            }
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > quietMillis * 1_000_000) {
                return;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Roomcast closes a session that says nothing for its heartbeat timeout (60 s): receivers say something.
     *
     * @return the schedule, or null when the peer needs none
     */
    private ScheduledFuture<?> keepAlive(List<Channel> channels) {
        String frame = peer.keepAlive();
        if (frame == null) {
            return null;
        }
        return loop.scheduleAtFixedRate(
                () -> channels.forEach(channel -> channel.writeAndFlush(SealedSession.frame(channel, frame))),
                20,
                20,
                TimeUnit.SECONDS);
    }
}
