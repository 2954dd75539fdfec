package dev.roomcast.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A revocation as the HTTP API shows it (PROTOCOL.md section 12): {@code {"id","user","issuedBefore","createdAt"}} or
 * {@code {"id","jti","exp","createdAt"}}.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RevocationView(String id, String user, Long issuedBefore, String jti, Long exp, String createdAt) {

    static RevocationView of(Revocation revocation) {
        return new RevocationView(
                Long.toString(revocation.id),
                revocation.userId,
                revocation.issuedBefore,
                revocation.jti,
                revocation.exp,
                revocation.createdAt.toInstant().toString());
    }
}
