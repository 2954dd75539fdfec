package dev.roomcast.presence;

import dev.roomcast.broker.Publisher;
import dev.roomcast.loop.ConfinedLoop;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Presence for the single-pod mode ({@code roomcast.broker=local}): this pod's counts are the whole truth. Confined to
 * one event-loop context; announcements go out through the broker like every other event.
 */
@ApplicationScoped
@Typed(LocalPresence.class)
public class LocalPresence implements Presence {

    private static final Logger LOG = Logger.getLogger(LocalPresence.class);

    private final Publisher publisher;
    private final ConfinedLoop loop;
    private final Map<String, Map<String, Present>> rooms = new HashMap<>();
    private final Map<String, Present> users = new HashMap<>();
    private final Map<String, String> lastSeen = new HashMap<>();

    LocalPresence(Publisher publisher, Vertx vertx) {
        this.publisher = publisher;
        this.loop = new ConfinedLoop(vertx);
    }

    @Override
    public void start() {
        // Nothing to keep: the counts live and die with this process.
    }

    @Override
    public Uni<Void> stop() {
        return Uni.createFrom().voidItem();
    }

    @Override
    public void joined(String room, String userId) {
        loop.run(() -> {
            Present present = rooms.computeIfAbsent(room, ignored -> new HashMap<>())
                    .computeIfAbsent(
                            userId, ignored -> new Present(Instant.now().toString()));
            if (present.clients++ == 0) {
                announce(room, PresenceEvents.JOIN, userId);
            }
        });
    }

    @Override
    public void left(String room, String userId) {
        loop.run(() -> {
            Map<String, Present> present = rooms.get(room);
            Present user = present == null ? null : present.get(userId);
            if (user == null) {
                return;
            }
            if (--user.clients == 0) {
                present.remove(userId);
                if (present.isEmpty()) {
                    rooms.remove(room);
                }
                announce(room, PresenceEvents.LEAVE, userId);
            }
        });
    }

    @Override
    public Uni<Boolean> admit(String userId, int max) {
        return onLoop(() -> {
            Present user = users.get(userId);
            if (user != null && user.clients >= max) {
                return false;
            }
            users.computeIfAbsent(userId, ignored -> new Present(Instant.now().toString())).clients++;
            return true;
        });
    }

    @Override
    public void disconnected(String userId) {
        loop.run(() -> {
            Present user = users.get(userId);
            if (user != null && --user.clients == 0) {
                users.remove(userId);
                lastSeen.put(userId, Instant.now().toString());
            }
        });
    }

    @Override
    public Uni<List<PresentUser>> inRoom(String room) {
        return onLoop(() -> {
            List<PresentUser> present = new ArrayList<>();
            rooms.getOrDefault(room, Map.of())
                    .forEach((userId, user) -> present.add(new PresentUser(userId, user.clients, user.since)));
            return present;
        });
    }

    @Override
    public Uni<UserPresence> ofUser(String userId) {
        return onLoop(() -> {
            Present user = users.get(userId);
            return new UserPresence(userId, user == null ? 0 : user.clients, lastSeen.get(userId));
        });
    }

    private <T> Uni<T> onLoop(Supplier<T> read) {
        Promise<T> result = Promise.promise();
        loop.run(() -> result.complete(read.get()));
        return UniHelper.toUni(result.future());
    }

    private void announce(String room, String event, String userId) {
        publisher
                .publish(PresenceEvents.envelope(room, event, userId))
                .subscribe()
                .with(
                        ignored -> {},
                        failure -> LOG.debugf(
                                "%s for %s in %s not delivered: %s", event, userId, room, failure.getMessage()));
    }

    /** A user's clients in one room (or connected at all), and since when the first of them has been there. */
    private static final class Present {
        final String since;
        int clients;

        Present(String since) {
            this.since = since;
        }
    }

    /** The one pod's latest figures. */
    private volatile String figures;

    @Override
    public Uni<Void> describe(String figures) {
        this.figures = figures;
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<List<String>> nodes() {
        String own = figures;
        return Uni.createFrom().item(own == null ? List.of() : List.of(own));
    }
}
