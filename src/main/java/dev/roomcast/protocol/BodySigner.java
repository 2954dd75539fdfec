package dev.roomcast.protocol;

import dev.roomcast.RoomcastConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Signs and checks the Redis bodies pods write for each other (PROTOCOL.md section 7): {@code sig} is the base64url
 * HMAC-SHA256, keyed by {@code roomcast.cluster.secret}, of the body's text without its {@code sig} member. Only a
 * signed body may carry what pods add for their own traffic (offsets, senders, evictions, presence notices); anyone
 * else who can publish into Redis is an emitter. Without a secret every body is trusted (one machine, development).
 * <p>
 * "Without its {@code sig} member": the member is cut out of the text together with the comma that separated it from
 * the member before it (or, when it comes first, the comma after it) and the whitespace around that comma. Pods append
 * {@code ,"sig":"..."} before the closing brace, which is also the simplest way for another process to sign a body.
 */
@ApplicationScoped
public class BodySigner {

    private static final Logger LOG = Logger.getLogger(BodySigner.class);
    private static final String ALGORITHM = "HmacSHA256";
    /** Shorter secrets are refused at startup: anyone who guesses the secret can impersonate a pod. */
    static final int MIN_SECRET_LENGTH = 16;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    @Inject
    BodySigner(RoomcastConfig config) {
        this(config.cluster().secret().orElse(null));
        if (key == null && config.broker() == RoomcastConfig.BrokerKind.REDIS) {
            LOG.warn(
                    "roomcast.cluster.secret is not set: this pod trusts every Redis body, including offsets, senders "
                            + "and evictions that any Redis client could forge. Set it (the same on every pod) outside development.");
        }
    }

    /** @param secret null or blank: every body is trusted */
    public BodySigner(String secret) {
        if (secret == null || secret.isBlank()) {
            this.key = null;
            this.macs = null;
            return;
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("roomcast.cluster.secret must be at least " + MIN_SECRET_LENGTH
                    + " bytes (e.g. openssl rand -base64 32)");
        }
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** Whether bodies are signed and checked: a secret is configured. */
    public boolean enabled() {
        return key != null;
    }

    /** The body with {@code ,"sig":"..."} appended before its closing brace; unchanged when signing is off. */
    public String sign(String body) {
        if (key == null) {
            return body;
        }
        int close = body.lastIndexOf('}');
        return body.substring(0, close) + ",\"sig\":\"" + signature(body) + "\"" + body.substring(close);
    }

    /**
     * @param body the whole body as received
     * @param sigStart where the {@code sig} member's name starts (its opening quote)
     * @param sigEnd just past the member's value
     * @param sig the member's value
     * @return whether the signature is this cluster's, for the body without the member
     */
    boolean verify(String body, int sigStart, int sigEnd, String sig) {
        if (key == null) {
            return true;
        }
        byte[] expected = mac().doFinal(withoutMember(body, sigStart, sigEnd).getBytes(StandardCharsets.UTF_8));
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(sig);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    static String withoutMember(String body, int start, int end) {
        int before = start - 1;
        while (before >= 0 && Character.isWhitespace(body.charAt(before))) {
            before--;
        }
        if (before >= 0 && body.charAt(before) == ',') {
            return body.substring(0, before) + body.substring(end);
        }
        int after = end;
        while (after < body.length() && Character.isWhitespace(body.charAt(after))) {
            after++;
        }
        if (after < body.length() && body.charAt(after) == ',') {
            after++;
            while (after < body.length() && Character.isWhitespace(body.charAt(after))) {
                after++;
            }
            return body.substring(0, start) + body.substring(after);
        }
        return body.substring(0, start) + body.substring(end);
    }

    private String signature(String text) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(mac().doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac mac() {
        return macs.get();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
