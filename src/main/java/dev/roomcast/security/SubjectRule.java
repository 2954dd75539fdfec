package dev.roomcast.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The {@code sub} rule of PROTOCOL.md section 2 on the HTTP API, as {@link TokenVerifier} applies it on WebSocket: a
 * token whose {@code sub} is missing, blank, longer than 255 characters or holds control characters is not valid
 * (401), whatever else it carries ({@code upn} or {@code preferred_username} do not stand in for it).
 */
@ApplicationScoped
public class SubjectRule implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()
                || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                || InputRules.isUserId(jwt.getSubject())) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("the token's sub is not a valid user id"));
    }
}
