package dev.roomcast.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /api/revocations}: a user's tokens issued before an instant, or one token by its {@code jti}. */
@RegisterForReflection
@Schema(description = "{\"user\", \"issuedBefore\"} or {\"jti\", \"exp\"}")
public record RevocationRequest(
        @Schema(description = "Revoke this user's tokens (with issuedBefore)")
        String user,

        @Schema(description = "Epoch seconds: tokens with iat before it; default now, never in the future")
        Long issuedBefore,

        @Schema(description = "Revoke the one token with this jti (admins only, with exp)")
        String jti,

        @Schema(description = "The token's exp, epoch seconds")
        Long exp) {}
