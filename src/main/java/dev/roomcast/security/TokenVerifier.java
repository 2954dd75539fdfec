package dev.roomcast.security;

import dev.roomcast.RoomcastConfig;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Verifies a JWT against the configured key, issuer and (when {@code mp.jwt.verify.audiences} is set) audience with
 * SmallRye JWT's parser, the one the HTTP API's authentication uses too: the same check for the handshake (header or
 * query parameter), the {@code authenticate} frame and {@code refresh}; {@code sub} must be a valid user id
 * ({@link InputRules#isUserId}, as {@link TokenRules} requires over HTTP), and the token must carry {@code iat} and
 * {@code exp} at most {@code roomcast.auth.max-token-lifetime} apart. The work is CPU only (the key is loaded
 * once), so it is safe on the event loop. Tokens verified lately are remembered ({@link VerifiedTokens}).
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);

    private final JWTParser parser;
    private final Revocations revocations;
    private final long clockSkewSeconds;
    private final long maxLifetimeSeconds;
    private final VerifiedTokens verified;

    TokenVerifier(
            JWTParser parser,
            Revocations revocations,
            RoomcastConfig config,
            @ConfigProperty(name = "mp.jwt.verify.clock.skew") Optional<Long> clockSkewSeconds,
            @ConfigProperty(name = "mp.jwt.verify.token.age") Optional<Long> maxTokenAge) {
        this.parser = parser;
        this.revocations = revocations;
        // SmallRye JWT's own default; the expiry close (4005) must agree with what verification tolerates.
        this.clockSkewSeconds = clockSkewSeconds.orElse(60L);
        this.maxLifetimeSeconds = config.auth().maxTokenLifetime().toSeconds();
        // A maximum token age is checked against iat by the parser alone: with one, nothing is remembered.
        this.verified =
                new VerifiedTokens(maxTokenAge.isPresent() ? 0 : config.auth().tokenCacheSize(), this.clockSkewSeconds);
    }

    /**
     * @return the verified token, or empty when it is malformed, badly signed, from another issuer, expired, breaks the
     *     lifetime rule or is revoked
     */
    public Optional<VerifiedToken> verify(String token) {
        return verifyIgnoringRevocations(token).filter(valid -> !revocations.revokes(valid));
    }

    /** Whether a token that verified has been revoked since (the check {@link #verify} makes last). */
    public boolean isRevoked(VerifiedToken token) {
        return revocations.revokes(token);
    }

    /**
     * The token's checks but revocation: for {@code refresh}, which answers a revoked token otherwise than an invalid
     * one.
     */
    public Optional<VerifiedToken> verifyIgnoringRevocations(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        VerifiedToken remembered = verified.get(token, System.currentTimeMillis() / 1000);
        if (remembered != null) {
            return Optional.of(remembered);
        }
        Optional<VerifiedToken> checked = parse(token);
        checked.ifPresent(valid -> verified.put(token, valid));
        return checked;
    }

    private Optional<VerifiedToken> parse(String token) {
        try {
            JsonWebToken jwt = parser.parse(token);
            String subject = jwt.getSubject();
            if (!InputRules.isUserId(subject)) {
                LOG.debug("token refused: no valid sub claim");
                return Optional.empty();
            }
            String lifetime = lifetimeProblem(jwt);
            if (lifetime != null) {
                LOG.debugf("token refused: %s", lifetime);
                return Optional.empty();
            }
            boolean admin = jwt.getGroups() != null && jwt.getGroups().contains(Roles.ADMIN);
            return Optional.of(new VerifiedToken(
                    subject, admin, jwt.getExpirationTime(), jwt.getIssuedAtTime(), jwt.getTokenID()));
        } catch (ParseException e) {
            LOG.debugf("token refused: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Why a parsed token breaks the lifetime rule of PROTOCOL.md section 12 (it must carry {@code iat} and {@code exp},
     * at most {@code roomcast.auth.max-token-lifetime} apart), or null when it does not: the same rule over HTTP
     * ({@link TokenRules}) and on the sockets.
     */
    public String lifetimeProblem(JsonWebToken jwt) {
        long issuedAt = jwt.getIssuedAtTime();
        long expiresAt = jwt.getExpirationTime();
        if (issuedAt <= 0) {
            return "no iat claim";
        }
        if (expiresAt <= 0) {
            return "no exp claim";
        }
        if (expiresAt - issuedAt > maxLifetimeSeconds) {
            return "exp - iat exceeds roomcast.auth.max-token-lifetime";
        }
        return null;
    }

    /** Seconds past {@code exp} during which a token is still accepted ({@code mp.jwt.verify.clock.skew}). */
    public long clockSkewSeconds() {
        return clockSkewSeconds;
    }
}
