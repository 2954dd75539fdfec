package dev.roomcast.admin;

import dev.roomcast.chat.DuplicatedContexts;
import dev.roomcast.node.LinkResumed;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.RevocationNotice;
import dev.roomcast.security.Revocations;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Keeps this pod's copy of the revocations ({@link Revocations}) equal to PostgreSQL's: read whole before the pod serves
 * (startup waits for it), read again whenever the link to the other pods comes back (their notices of the outage were
 * lost), changed by their notices in between, and pruned of what expired every minute; the table is pruned with it
 * when the copy dropped something, and at least hourly.
 */
@ApplicationScoped
class RevocationSync {

    private static final Logger LOG = Logger.getLogger(RevocationSync.class);

    /** The longest the table goes unpruned: rows this pod's copy never held expire there unseen. */
    static final long TABLE_PRUNE_EVERY_SECONDS = 3600;

    private final RevocationService service;
    private final RevocationRepository repository;
    private final Revocations revocations;
    private final Vertx vertx;

    /** When this pod last deleted expired rows (epoch seconds); 0 before the first time. */
    private volatile long tablePrunedAt;

    RevocationSync(
            RevocationService service,
            RevocationRepository repository,
            Revocations revocations,
            RoomcastMetrics metrics,
            Vertx vertx) {
        this.service = service;
        this.repository = repository;
        this.revocations = revocations;
        this.vertx = vertx;
        metrics.revocationsGauge(revocations::size);
    }

    /**
     * The table is pruned at startup as well: besides housekeeping, it is the pod's first transaction, whose
     * one-time cost (Hibernate's first query plan, the JIT compiling that path on a loop's core) is better paid before the
     * pod is ready than a minute into its traffic, where it took a fifth of a core's time for seconds (bench/README.md).
     */
    void load(@Observes StartupEvent event) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> expire().chain(this::reload));
        LOG.debugf("%d revocations in force", revocations.size());
    }

    void resumed(@Observes LinkResumed event) {
        reload().subscribe()
                .with(
                        ignored ->
                                LOG.debugf("revocations read again after the link came back: %d", revocations.size()),
                        failure -> LOG.warnf("revocations not read again: %s", failure.getMessage()));
    }

    void noticed(@Observes RevocationNotice notice) {
        if (notice.lifted()) {
            revocations.lift(notice.id());
        } else {
            revocations.add(new Revocations.Entry(
                    notice.id(),
                    notice.userId(),
                    notice.issuedBefore(),
                    notice.jti(),
                    notice.exp(),
                    notice.expiresAt()));
        }
    }

    /**
     * The copy's expired entries go every minute; the table's only when the copy dropped some (every pod holds every
     * revocation, so the rows that just expired are the same) or an hour after the last time, for rows the copy never
     * held: stored while the link to the other pods was down, or already expired when it was read. A DELETE from every
     * pod every minute with nothing to delete was load on PostgreSQL for nothing, and on a pod that otherwise made no
     * query it recompiled the event loop's write path each time (bench/README.md, issue 13).
     */
    @Scheduled(every = "60s", delayed = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expire() {
        long now = System.currentTimeMillis() / 1000;
        if (!revocations.expire(now) && now - tablePrunedAt < TABLE_PRUNE_EVERY_SECONDS) {
            return Uni.createFrom().voidItem();
        }
        tablePrunedAt = now;
        return DuplicatedContexts.call(vertx, () -> Panache.withTransaction(() -> repository.deleteExpired(now)))
                .onFailure()
                .invoke(() -> tablePrunedAt = 0) // the next minute tries again
                .replaceWithVoid();
    }

    /** Sets when the table was last pruned, as if the job had run then: tests move it back an hour. */
    void tablePrunedAt(long epochSecond) {
        tablePrunedAt = epochSecond;
    }

    /** On a Vert.x context of its own: the link's loop, where a resumption is heard, has none Panache may use. */
    private Uni<Void> reload() {
        return DuplicatedContexts.call(vertx, service::inForce)
                .invoke(revocations::replaceAll)
                .replaceWithVoid();
    }
}
