package dev.roomcast.admin;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.broker.Broker;
import dev.roomcast.chat.Actor;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.RevocationNotice;
import dev.roomcast.security.InputRules;
import dev.roomcast.security.Revocations;
import dev.roomcast.security.TokenVerifier;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Token revocations (PROTOCOL.md section 12): stored in PostgreSQL, added to this pod's copy at once and announced to
 * the others, which apply them within the sweep interval (live sessions holding a revoked token close with 4006). A
 * user may revoke its own tokens ({@code user} form); everything else is for admins. Bounded: at most
 * {@link #MAX_PER_USER} revocations of a user are stored, {@code roomcast.auth.max-revocations} in all, those out of
 * force included until {@link RevocationSync} deletes them (else a user could store any number that no token matches).
 */
@ApplicationScoped
public class RevocationService {

    private static final Logger LOG = Logger.getLogger(RevocationService.class);

    /** Revocations of one user in force at once: "log out everywhere" a few times a day, not a flood. */
    static final int MAX_PER_USER = 100;

    private static final int MAX_JTI = 255;

    private final RevocationRepository repository;
    private final Revocations revocations;
    private final Broker broker;
    private final NodeIdentity node;
    private final long maxLifetimeSeconds;
    private final long clockSkewSeconds;
    private final int maxRevocations;

    RevocationService(
            RevocationRepository repository,
            Revocations revocations,
            Broker broker,
            NodeIdentity node,
            TokenVerifier verifier,
            RoomcastConfig config) {
        this.repository = repository;
        this.revocations = revocations;
        this.broker = broker;
        this.node = node;
        this.maxLifetimeSeconds = config.auth().maxTokenLifetime().toSeconds();
        this.clockSkewSeconds = verifier.clockSkewSeconds();
        this.maxRevocations = config.auth().maxRevocations();
    }

    public Uni<RevocationView> create(Actor actor, RevocationRequest request) {
        if (request == null) {
            throw RoomcastException.badRequest("a JSON body is required");
        }
        long now = nowEpochSecond();
        Revocation revocation = new Revocation();
        if (request.user() != null && request.jti() == null && request.exp() == null) {
            InputRules.userId(request.user(), "user");
            if (!actor.admin() && !actor.userId().equals(request.user())) {
                throw RoomcastException.forbidden("a user may revoke its own tokens only");
            }
            long issuedBefore = request.issuedBefore() == null ? now : request.issuedBefore();
            if (issuedBefore <= 0 || issuedBefore > now) {
                throw RoomcastException.badRequest("issuedBefore must be epoch seconds, not in the future");
            }
            revocation.userId = request.user();
            revocation.issuedBefore = issuedBefore;
            // A token issued before the cutoff expires at most a lifetime later, and is accepted for the skew after.
            revocation.expiresAt = issuedBefore + maxLifetimeSeconds + clockSkewSeconds;
        } else if (request.jti() != null && request.user() == null && request.issuedBefore() == null) {
            if (!actor.admin()) {
                throw RoomcastException.forbidden("revoking one token by its jti is for admins");
            }
            InputRules.line(request.jti(), MAX_JTI, "jti");
            if (request.jti().isEmpty() || request.exp() == null || request.exp() <= 0) {
                throw RoomcastException.badRequest("jti needs the token's exp (epoch seconds)");
            }
            revocation.jti = request.jti();
            revocation.exp = request.exp();
            // No valid token expires later than a lifetime from now, whatever exp the caller names.
            revocation.expiresAt =
                    Math.min(request.exp(), now + maxLifetimeSeconds + clockSkewSeconds) + clockSkewSeconds;
        } else {
            throw RoomcastException.badRequest("name either user (and issuedBefore) or jti and exp");
        }
        revocation.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withTransaction(() -> bounded(revocation).chain(() -> repository.persist(revocation)))
                .invoke(stored -> {
                    revocations.add(entry(stored));
                    announce(notice(stored));
                })
                .map(RevocationView::of);
    }

    public Uni<RevocationPage> list(String userId, Long beforeId, Integer limit) {
        if (userId != null) {
            InputRules.userId(userId, "user");
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > 200) {
            throw RoomcastException.badRequest("limit must be 1 to 200");
        }
        return Panache.withSession(() -> repository.page(userId, beforeId, size, nowEpochSecond()))
                .map(found -> new RevocationPage(
                        found.stream().limit(size).map(RevocationView::of).toList(), found.size() > size));
    }

    /** Lifts one revocation everywhere; NOT_FOUND when none is in force with that id. */
    public Uni<Void> lift(long id) {
        return Panache.withTransaction(() -> repository.findById(id).chain(found -> {
                    if (found == null || found.expiresAt <= nowEpochSecond()) {
                        return Uni.createFrom()
                                .failure(RoomcastException.notFound("no revocation in force with that id"));
                    }
                    return repository.delete(found);
                }))
                .invoke(() -> {
                    revocations.lift(id);
                    announce(new RevocationNotice(node.serverId(), true, id, null, 0, null, 0, 0, null));
                });
    }

    /** Everything in force now, for this pod's copy. */
    Uni<List<Revocations.Entry>> inForce() {
        return Panache.withSession(() -> repository.inForce(nowEpochSecond()))
                .map(found -> found.stream().map(RevocationService::entry).toList());
    }

    private Uni<Void> bounded(Revocation revocation) {
        Uni<Long> total = repository.count();
        return total.chain(count -> {
            if (count >= maxRevocations) {
                return Uni.createFrom().failure(limit("at most " + maxRevocations + " revocations may be kept"));
            }
            if (revocation.userId == null) {
                return Uni.createFrom().voidItem();
            }
            return repository
                    .countOfUser(revocation.userId)
                    .chain(ofUser -> ofUser >= MAX_PER_USER
                            ? Uni.createFrom()
                                    .failure(limit("at most " + MAX_PER_USER + " revocations of a user may be kept"))
                            : Uni.createFrom().voidItem());
        });
    }

    private void announce(RevocationNotice notice) {
        broker.announce(notice)
                .subscribe()
                .with(
                        ignored -> {},
                        failure -> LOG.warnf(
                                "revocation %d not announced (%s): the other pods read it when their link to Redis is back",
                                notice.id(), failure.getMessage()));
    }

    private RevocationNotice notice(Revocation revocation) {
        return new RevocationNotice(
                node.serverId(),
                false,
                revocation.id,
                revocation.userId,
                revocation.issuedBefore == null ? 0 : revocation.issuedBefore,
                revocation.jti,
                revocation.exp == null ? 0 : revocation.exp,
                revocation.expiresAt,
                revocation.createdAt.toInstant().toString());
    }

    static Revocations.Entry entry(Revocation revocation) {
        return new Revocations.Entry(
                revocation.id,
                revocation.userId,
                revocation.issuedBefore == null ? 0 : revocation.issuedBefore,
                revocation.jti,
                revocation.exp == null ? 0 : revocation.exp,
                revocation.expiresAt);
    }

    private static RoomcastException limit(String message) {
        return new RoomcastException(ErrorCode.LIMIT_EXCEEDED, message, Map.of(), 403);
    }

    private static long nowEpochSecond() {
        return System.currentTimeMillis() / 1000;
    }
}
