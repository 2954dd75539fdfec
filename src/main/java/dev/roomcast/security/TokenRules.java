package dev.roomcast.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The token rules {@link TokenVerifier} applies on the sockets, on the HTTP API (401 when broken): {@code sub} must be
 * a valid user id (PROTOCOL.md section 2: not missing, blank, longer than 255 characters or with control characters;
 * {@code upn} or {@code preferred_username} do not stand in for it), and the token must carry {@code iat} and
 * {@code exp} at most {@code roomcast.auth.max-token-lifetime} apart, and not be revoked (section 12).
 */
@ApplicationScoped
public class TokenRules implements SecurityIdentityAugmentor {

    private final TokenVerifier verifier;
    private final Revocations revocations;

    TokenRules(TokenVerifier verifier, Revocations revocations) {
        this.verifier = verifier;
        this.revocations = revocations;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        if (!InputRules.isUserId(jwt.getSubject())) {
            return refused("the token's sub is not a valid user id");
        }
        String lifetime = verifier.lifetimeProblem(jwt);
        if (lifetime != null) {
            return refused(lifetime);
        }
        if (revocations.revokes(jwt.getSubject(), jwt.getIssuedAtTime(), jwt.getTokenID())) {
            return refused("the token is revoked");
        }
        return Uni.createFrom().item(identity);
    }

    private static Uni<SecurityIdentity> refused(String why) {
        return Uni.createFrom().failure(new AuthenticationFailedException(why));
    }
}
