package dev.roomcast.node;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.hub.Hub;
import dev.roomcast.protocol.ServerFrames;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Graceful shutdown (PROTOCOL.md section 2). On SIGTERM Quarkus enters its shutdown delay (derived from
 * {@code roomcast.shutdown.drain}, see {@code DerivedConfig}) with the server still running. From that moment the
 * pod reports not ready and refuses upgrades, tells every client to {@code reconnect} after its own random delay
 * within the window, keeps serving each until then and closes it with 1001, so that the clients come back to other
 * pods spread over the window instead of all at once. The server stops when the delay ends.
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class);

    private final Hub hub;
    private final ServerFrames frames;
    private final Duration window;
    private volatile boolean draining;

    Drain(Hub hub, ServerFrames frames, RoomcastConfig config) {
        this.hub = hub;
        this.frames = frames;
        this.window = config.shutdown().drain();
    }

    public boolean isDraining() {
        return draining;
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        draining = true;
        LOG.infof("draining %d connections over %s", hub.connectionCount(), window);
        long windowMillis = Math.max(1, window.toMillis());
        hub.forEachConnection(recipient -> {
            long afterMs = ThreadLocalRandom.current().nextLong(windowMillis);
            recipient.goAway(frames.reconnect(afterMs), afterMs);
        });
    }
}
