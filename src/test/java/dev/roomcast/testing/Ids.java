package dev.roomcast.testing;

import java.util.UUID;

/** Names no other test uses: tests share one PostgreSQL and one Redis, and keep their state apart by name. */
public final class Ids {

    private Ids() {}

    public static String unique(String hint) {
        return hint + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
