import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Signs an RS256 development token with nothing but the JDK; run by scripts/token. */
public class DevToken {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: scripts/token USER [--admin] [--ttl SECONDS]");
            System.exit(2);
        }
        Path keyFile = Path.of(args[0]);
        String user = args[1];
        boolean admin = false;
        long ttl = 3600;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--admin" -> admin = true;
                case "--ttl" -> ttl = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!user.matches("[A-Za-z0-9_.@-]+")) {
            throw new IllegalArgumentException("user ids here are [A-Za-z0-9_.@-]+");
        }
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = "{\"iss\":\"roomcast-dev\",\"sub\":\"" + user + "\",\"groups\":[" + (admin ? "\"admin\"" : "")
                + "],\"iat\":" + now + ",\"exp\":" + (now + ttl) + "}";
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(privateKey(keyFile));
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        System.out.println(signingInput + "." + base64Url(signature.sign()));
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
