package dev.roomcast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/** Signs JWTs for tests with SmallRye JWT's builder. */
public final class Tokens {

    public static final String ISSUER = "roomcast";
    public static final Path TEST_PUBLIC_KEY =
            LocalServices.projectDir().resolve("src/test/resources/jwt/test-public.pem");
    private static final Path TEST_PRIVATE_KEY =
            LocalServices.projectDir().resolve("src/test/resources/jwt/test-private.pem");
    public static final Path DEV_PRIVATE_KEY = LocalServices.projectDir().resolve("config/dev-jwt/private.pem");

    private static PrivateKey testKey;

    private Tokens() {}

    public static String user(String userId) {
        return sign(userId, Set.of(), Instant.now().plusSeconds(3600));
    }

    public static String admin(String userId) {
        return sign(userId, Set.of("admin"), Instant.now().plusSeconds(3600));
    }

    public static String expiringAt(String userId, Instant expiry) {
        return sign(userId, Set.of(), expiry);
    }

    public static String sign(String userId, Set<String> groups, Instant expiry) {
        return Jwt.issuer(ISSUER)
                .subject(userId)
                .groups(groups)
                .issuedAt(Instant.now().minusSeconds(5))
                .expiresAt(expiry)
                .sign(testKey());
    }

    /** A user's token issued at that instant, for an hour. */
    public static String issuedAt(String userId, Instant issuedAt) {
        return Jwt.issuer(ISSUER)
                .subject(userId)
                .issuedAt(issuedAt)
                .expiresAt(issuedAt.plusSeconds(3600))
                .sign(testKey());
    }

    /**
     * A test-key token without {@code iat}, which SmallRye's builder always adds: signed with jose4j (SmallRye JWT's
     * own JOSE library) instead.
     */
    public static String withoutIssuedAt(String userId) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(ISSUER);
            claims.setSubject(userId);
            claims.setExpirationTimeMinutesInTheFuture(60);
            claims.setGeneratedJwtId();
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(testKey());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setHeader("typ", "JWT");
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a token, read without checking it. */
    public static JsonNode claimsOf(String token) {
        try {
            return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A test-key token whose claims the caller sets: for tokens that break one rule (no sub, a foreign audience...). */
    public static String custom(Consumer<JwtClaimsBuilder> claims) {
        JwtClaimsBuilder builder = Jwt.issuer(ISSUER)
                .issuedAt(Instant.now().minusSeconds(5))
                .expiresAt(Instant.now().plusSeconds(3600));
        claims.accept(builder);
        return builder.sign(testKey());
    }

    /** A token signed with another key: valid in form, refused by the server. */
    public static String signedWith(Path privateKeyPem, String issuer, String userId) {
        return Jwt.issuer(issuer)
                .subject(userId)
                .expiresAt(Instant.now().plusSeconds(3600))
                .sign(load(privateKeyPem));
    }

    private static synchronized PrivateKey testKey() {
        if (testKey == null) {
            testKey = load(TEST_PRIVATE_KEY);
        }
        return testKey;
    }

    private static PrivateKey load(Path pem) {
        try {
            String base64 =
                    Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + pem, e);
        }
    }
}
