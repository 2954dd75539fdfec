package dev.roomcast.admin;

import dev.roomcast.broker.Broker;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.SessionInfo;
import dev.roomcast.protocol.SessionsQuery;
import dev.roomcast.protocol.SessionsReply;
import dev.roomcast.session.Sessions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A user's live sessions on every pod (PROTOCOL.md section 12), read from the pods themselves rather than from a copy
 * in Redis: this pod's at once, the others' by asking on the user's channel, which exactly the pods holding one of the
 * user's sessions subscribe to (Redis says how many heard the question, so the answer is complete when that many
 * replied). A session is listed from its {@code connected} and gone with its close or its pod; nothing is stored.
 */
@ApplicationScoped
public class SessionDirectory {

    private static final Logger LOG = Logger.getLogger(SessionDirectory.class);

    /** How long the other pods get to answer; a pod that does not is left out (it is dying, or Redis lost it). */
    static final Duration WAIT = Duration.ofSeconds(1);

    private final Sessions sessions;
    private final Broker broker;
    private final NodeIdentity node;
    private final AtomicLong queries = new AtomicLong();
    private final Map<Long, Answers> pending = new ConcurrentHashMap<>();

    SessionDirectory(Sessions sessions, Broker broker, NodeIdentity node) {
        this.sessions = sessions;
        this.broker = broker;
        this.node = node;
    }

    /** The user's sessions on every pod, oldest first; fails when the other pods cannot be reached. */
    public Uni<List<SessionInfo>> sessionsOf(String userId) {
        long id = queries.incrementAndGet();
        Answers answers = new Answers();
        pending.put(id, answers);
        return sessions.sessionsOf(userId)
                .chain(local -> broker.announce(new SessionsQuery(node.serverId(), userId, id))
                        // This pod hears its own question when it holds one of the user's sessions, and ignores it.
                        .map(heard -> Math.max(0, local.isEmpty() ? heard : heard - 1))
                        .chain(answers::await)
                        .map(remote -> {
                            List<SessionInfo> all = new ArrayList<>(local);
                            all.addAll(remote);
                            all.sort(Comparator.comparing(SessionInfo::connectedAt));
                            return all;
                        }))
                .onTermination()
                .invoke(() -> pending.remove(id));
    }

    /** Another pod asks for this pod's sessions of a user. */
    void asked(@Observes SessionsQuery query) {
        sessions.sessionsOf(query.userId())
                .chain(items ->
                        broker.announce(new SessionsReply(node.serverId(), query.serverId(), query.queryId(), items)))
                .subscribe()
                .with(ignored -> {}, failure -> LOG.debugf("sessions query not answered: %s", failure.getMessage()));
    }

    /** Another pod's sessions, for a question of this pod. */
    void replied(@Observes SessionsReply reply) {
        Answers answers = pending.get(reply.queryId());
        if (answers != null && node.serverId().equals(reply.askedBy())) {
            answers.add(reply.items());
        }
    }

    /** The replies to one question, complete once as many pods answered as heard it, or after {@link #WAIT}. */
    private static final class Answers {
        private final List<SessionInfo> collected = new ArrayList<>();
        private final CompletableFuture<List<SessionInfo>> complete = new CompletableFuture<>();
        private int replies;
        private int expected = -1;

        synchronized void add(List<SessionInfo> items) {
            collected.addAll(items);
            replies++;
            settle();
        }

        Uni<List<SessionInfo>> await(int heard) {
            synchronized (this) {
                expected = heard;
                settle();
            }
            return Uni.createFrom()
                    .completionStage(complete)
                    .ifNoItem()
                    .after(WAIT)
                    .recoverWithItem(this::soFar);
        }

        private void settle() {
            if (expected >= 0 && replies >= expected) {
                complete.complete(List.copyOf(collected));
            }
        }

        private synchronized List<SessionInfo> soFar() {
            return List.copyOf(collected);
        }
    }
}
