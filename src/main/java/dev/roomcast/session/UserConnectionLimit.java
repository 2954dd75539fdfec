package dev.roomcast.session;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.presence.Presence;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code roomcast.max-connections-per-user}, across every pod: a user's sessions are counted by presence (which also
 * tells who is online) and one more than the limit is refused. A session authenticated at the handshake gets its slot
 * before the upgrade (so the refusal is an HTTP 429); one that authenticates by its first message gets it then (1008).
 */
@ApplicationScoped
public class UserConnectionLimit {

    /** A slot reserved at a handshake whose socket never opened goes back after this long. */
    static final long UNCLAIMED_MILLIS = 30_000;

    private final Presence presence;
    private final Vertx vertx;
    private final int max;
    private final Duration timeout;

    UserConnectionLimit(Presence presence, Vertx vertx, RoomcastConfig config) {
        this.presence = presence;
        this.vertx = vertx;
        this.max = config.maxConnectionsPerUser();
        this.timeout = config.redis().subscribeTimeout();
    }

    /** At the handshake: a slot held for the socket about to open, or null when the user is at the limit. */
    public Uni<Reservation> reserve(String userId) {
        return admit(userId).map(admitted -> {
            if (!admitted) {
                return null;
            }
            Reservation reservation = new Reservation(userId);
            // An upgrade that was permitted but never became a socket has nobody to give the slot back.
            reservation.timer = vertx.setTimer(UNCLAIMED_MILLIS, id -> reservation.releaseIfUnclaimed());
            return reservation;
        });
    }

    /**
     * For a first-message authentication: whether the session got a slot, which it then holds until it ends. A count
     * that cannot be read in time admits: the cluster link's own timeouts decide whether the session can work.
     */
    Uni<Boolean> admit(String userId) {
        return presence.admit(userId, max).ifNoItem().after(timeout).recoverWithItem(true);
    }

    /** A session that held a slot ended. */
    void release(String userId) {
        presence.disconnected(userId);
    }

    /** A slot reserved at a handshake: claimed by the session that opened, or released. */
    public final class Reservation {
        private static final int RESERVED = 0;
        private static final int CLAIMED = 1;
        private static final int RELEASED = 2;

        private final String userId;
        private final AtomicInteger state = new AtomicInteger(RESERVED);
        private volatile long timer = -1;

        private Reservation(String userId) {
            this.userId = userId;
        }

        /** @return whether the session now holds the slot (false: it was released meanwhile, and is not held) */
        boolean claim() {
            if (!state.compareAndSet(RESERVED, CLAIMED)) {
                return false;
            }
            vertx.cancelTimer(timer);
            return true;
        }

        private void releaseIfUnclaimed() {
            if (state.compareAndSet(RESERVED, RELEASED)) {
                release(userId);
            }
        }
    }
}
