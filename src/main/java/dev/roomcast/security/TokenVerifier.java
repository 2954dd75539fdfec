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
 * ({@link InputRules#isUserId}, as {@link SubjectRule} requires over HTTP). The work is CPU only (the key is loaded
 * once), so it is safe on the event loop. Tokens verified lately are remembered ({@link VerifiedTokens}).
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);

    private final JWTParser parser;
    private final long clockSkewSeconds;
    private final VerifiedTokens verified;

    TokenVerifier(
            JWTParser parser,
            RoomcastConfig config,
            @ConfigProperty(name = "mp.jwt.verify.clock.skew") Optional<Long> clockSkewSeconds,
            @ConfigProperty(name = "mp.jwt.verify.token.age") Optional<Long> maxTokenAge) {
        this.parser = parser;
        // SmallRye JWT's own default; the expiry close (4005) must agree with what verification tolerates.
        this.clockSkewSeconds = clockSkewSeconds.orElse(60L);
        // A maximum token age is checked against iat by the parser alone: with one, nothing is remembered.
        this.verified =
                new VerifiedTokens(maxTokenAge.isPresent() ? 0 : config.auth().tokenCacheSize(), this.clockSkewSeconds);
    }

    /** @return the verified token, or empty when it is malformed, badly signed, from another issuer or expired */
    public Optional<VerifiedToken> verify(String token) {
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
            long exp = jwt.getExpirationTime();
            boolean admin = jwt.getGroups() != null && jwt.getGroups().contains(Roles.ADMIN);
            return Optional.of(new VerifiedToken(subject, admin, exp > 0 ? exp : Long.MAX_VALUE));
        } catch (ParseException e) {
            LOG.debugf("token refused: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /** Seconds past {@code exp} during which a token is still accepted ({@code mp.jwt.verify.clock.skew}). */
    public long clockSkewSeconds() {
        return clockSkewSeconds;
    }
}
