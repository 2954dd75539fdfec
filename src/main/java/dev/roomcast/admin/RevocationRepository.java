package dev.roomcast.admin;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Token revocations. */
@ApplicationScoped
public class RevocationRepository implements PanacheRepositoryBase<Revocation, Long> {

    /** Everything in force at that instant, for a pod's copy. */
    public Uni<List<Revocation>> inForce(long nowEpochSecond) {
        return list("expiresAt > ?1", nowEpochSecond);
    }

    /** A page of those in force, newest first, of one user or of all; one more than asked, to tell whether more follow. */
    public Uni<List<Revocation>> page(String userId, Long beforeId, int limit, long nowEpochSecond) {
        StringBuilder query = new StringBuilder("expiresAt > :now");
        Parameters parameters = Parameters.with("now", nowEpochSecond);
        if (userId != null) {
            query.append(" and userId = :user");
            parameters.and("user", userId);
        }
        if (beforeId != null) {
            query.append(" and id < :before");
            parameters.and("before", beforeId);
        }
        query.append(" order by id desc");
        return find(query.toString(), parameters).page(0, limit + 1).list();
    }

    /** Revocations of one user stored (in force, or expired and not yet deleted), for the per-user bound. */
    public Uni<Long> countOfUser(String userId) {
        return count("userId", userId);
    }

    public Uni<Long> deleteExpired(long nowEpochSecond) {
        return delete("expiresAt <= ?1", nowEpochSecond);
    }
}
