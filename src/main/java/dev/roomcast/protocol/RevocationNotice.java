package dev.roomcast.protocol;

/**
 * A token revocation made or lifted (PROTOCOL.md section 12), for every pod's copy of the revocations in force: on the
 * broadcast channel, signed by the pod that stored it; unsigned, it is dropped. A pod that missed one reads them all
 * again from PostgreSQL.
 *
 * @param lifted whether the revocation was lifted (then only {@code id} counts)
 * @param userId the user form's user, or null
 * @param issuedBefore the user form's cutoff (epoch seconds), or 0
 * @param jti the one-token form's token id, or null
 * @param exp the one-token form's token expiry (epoch seconds), or 0
 * @param expiresAt when no token it matches can still be valid (epoch seconds): it is dropped then
 * @param createdAt when it was stored, ISO-8601
 */
public record RevocationNotice(
        String serverId,
        boolean lifted,
        long id,
        String userId,
        long issuedBefore,
        String jti,
        long exp,
        long expiresAt,
        String createdAt)
        implements PodMessage {

    /** The body's {@code type}. */
    public static final String TYPE = "revocation";

    @Override
    public String channel() {
        return Channels.BROADCAST;
    }
}
