package dev.roomcast.chat;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Room bans. */
@ApplicationScoped
public class BanRepository implements PanacheRepositoryBase<RoomBan, MemberKey> {

    public Uni<Boolean> isBanned(String room, String userId) {
        return findById(new MemberKey(room, userId)).map(ban -> ban != null);
    }
}
