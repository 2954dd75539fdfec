package dev.roomcast.encryption;

import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key agreement of PROTOCOL.md section 10 for one connection: the server's ephemeral P-256 key pair, ECDH with the
 * client's public key, and one AES-256-GCM key per direction from HKDF-SHA256 over the shared secret (the x
 * coordinate, 32 bytes) with a random 16-byte salt. What the client needs to derive the same keys goes into
 * {@code connected}: the server's public key (SPKI DER, base64) and the salt. Nothing here is logged.
 */
public final class SessionKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SALT_BYTES = 16;
    private static final int KEY_BYTES = 32;
    private static final byte[] CLIENT_TO_SERVER = "roomcast v1 client->server".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_TO_CLIENT = "roomcast v1 server->client".getBytes(StandardCharsets.US_ASCII);
    /** Longer than any P-256 SPKI encoding in any base64 form: what is longer is refused before decoding. */
    private static final int MAX_ENCODED_KEY = 256;

    private static final ECParameterSpec P256 = p256();

    private final String serverPublicKey;
    private final String salt;
    private final FrameSealer sealer;
    private final FrameOpener opener;

    private SessionKeys(String serverPublicKey, String salt, FrameSealer sealer, FrameOpener opener) {
        this.serverPublicKey = serverPublicKey;
        this.salt = salt;
        this.sealer = sealer;
        this.opener = opener;
    }

    /**
     * Agrees on keys with a client's public key: SPKI DER of a P-256 key, in standard or URL-safe base64, padded or
     * not.
     *
     * @throws InvalidPublicKeyException when it is not one
     */
    public static SessionKeys agree(String clientPublicKey) {
        PublicKey client = parse(clientPublicKey);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair server = generator.generateKeyPair();
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(server.getPrivate());
            agreement.doPhase(client, true);
            byte[] secret = agreement.generateSecret();
            byte[] salt = new byte[SALT_BYTES];
            RANDOM.nextBytes(salt);
            byte[] inbound = Hkdf.derive(secret, salt, CLIENT_TO_SERVER, KEY_BYTES);
            byte[] outbound = Hkdf.derive(secret, salt, SERVER_TO_CLIENT, KEY_BYTES);
            Arrays.fill(secret, (byte) 0);
            SessionKeys keys = new SessionKeys(
                    Base64.getEncoder().encodeToString(server.getPublic().getEncoded()),
                    Base64.getEncoder().encodeToString(salt),
                    new FrameSealer(new SecretKeySpec(outbound, "AES")),
                    new FrameOpener(new SecretKeySpec(inbound, "AES")));
            Arrays.fill(inbound, (byte) 0);
            Arrays.fill(outbound, (byte) 0);
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 ECDH is missing from this runtime", e);
        }
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is missing from this runtime", e);
        }
    }

    /** The server's public key for {@code connected.data.serverPublicKey}: SPKI DER, standard base64. */
    public String serverPublicKey() {
        return serverPublicKey;
    }

    /** The salt for {@code connected.data.salt}: 16 bytes, standard base64. */
    public String salt() {
        return salt;
    }

    /** Seals what the server sends, in order. */
    public FrameSealer sealer() {
        return sealer;
    }

    /** Opens what the client sends, in order. */
    public FrameOpener opener() {
        return opener;
    }

    private static boolean isP256(ECParameterSpec params) {
        return params.getCurve().equals(P256.getCurve())
                && params.getOrder().equals(P256.getOrder())
                && params.getGenerator().equals(P256.getGenerator());
    }

    private static PublicKey parse(String encoded) {
        if (encoded == null || encoded.isEmpty() || encoded.length() > MAX_ENCODED_KEY) {
            throw new InvalidPublicKeyException("publicKey must be a P-256 public key (SPKI DER, base64)");
        }
        byte[] der = Base64Lenient.decode(encoded);
        if (der == null) {
            throw new InvalidPublicKeyException("publicKey is not base64");
        }
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
                throw new InvalidPublicKeyException("publicKey must be a P-256 public key");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidPublicKeyException("publicKey must be a P-256 public key (SPKI DER, base64)");
        }
    }
}
