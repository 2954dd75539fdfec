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
 * lost), changed by their notices in between, and pruned of what expired, with the table, at startup and every minute.
 */
@ApplicationScoped
class RevocationSync {

    private static final Logger LOG = Logger.getLogger(RevocationSync.class);

    private final RevocationService service;
    private final RevocationRepository repository;
    private final Revocations revocations;
    private final Vertx vertx;

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
     * The prune runs at startup as well as every minute: besides housekeeping, it is the pod's first transaction, whose
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

    @Scheduled(every = "60s", delayed = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expire() {
        long now = System.currentTimeMillis() / 1000;
        revocations.expire(now);
        return DuplicatedContexts.call(vertx, () -> Panache.withTransaction(() -> repository.deleteExpired(now)))
                .replaceWithVoid();
    }

    /** On a Vert.x context of its own: the link's loop, where a resumption is heard, has none Panache may use. */
    private Uni<Void> reload() {
        return DuplicatedContexts.call(vertx, service::inForce)
                .invoke(revocations::replaceAll)
                .replaceWithVoid();
    }
}
