package dev.roomcast.rest;

import dev.roomcast.error.RoomcastException;
import dev.roomcast.security.Roles;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.jwt.build.Jwt;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /dev/sign-in}: the chat page's "sign in as a development user", signing a token with the development key.
 * It answers only when the running profile is dev or test (scripts/dev runs the packaged jar with
 * {@code quarkus.profile=dev}); in production it is 404 like any unknown path, and production pages take their token
 * from the embedding application. A production pod started in the dev profile would trust the development key
 * anyway (application.properties), so this adds no way in that the profile does not already open.
 */
@Path("/dev/sign-in")
@Tag(name = "development", description = "Development sign-in (dev and test profiles only)")
public class DevSignInResource {

    private static final Set<String> SIGN_IN_PROFILES = Set.of("dev", "test");

    /** Short names that read well on the page; real user ids may be anything TokenRules accepts. */
    private static final Pattern DEV_USER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    static final Duration LIFETIME = Duration.ofHours(1);

    private final String issuer;
    private final boolean enabled;

    DevSignInResource(@ConfigProperty(name = "mp.jwt.verify.issuer") String issuer) {
        this.issuer = issuer;
        this.enabled = ConfigUtils.getProfiles().stream().anyMatch(SIGN_IN_PROFILES::contains);
    }

    /** Development sign-in request: who to be, and whether as an admin. */
    public record SignInRequest(String userId, boolean admin) {}

    /** The signed token and when it expires (epoch seconds). */
    public record SignedToken(String token, long exp) {}

    /** Lets the page find out whether development sign-in is there: 204, or 404 outside the dev and test profiles. */
    @GET
    @Operation(summary = "Whether development sign-in is available (204), dev and test profiles only")
    @APIResponse(responseCode = "204", description = "Available")
    @APIResponse(responseCode = "404", description = "Not the dev or test profile")
    public void available() {
        requireEnabled();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign a one-hour token for a development user, dev and test profiles only")
    @APIResponse(responseCode = "200", description = "The token")
    @APIResponse(responseCode = "400", description = "A user id that is not 1 to 64 of A-Z a-z 0-9 _ . -")
    @APIResponse(responseCode = "404", description = "Not the dev or test profile")
    public SignedToken signIn(SignInRequest request) {
        requireEnabled();
        if (request == null
                || request.userId() == null
                || !DEV_USER_ID.matcher(request.userId()).matches()) {
            throw RoomcastException.badRequest("userId: 1 to 64 characters of A-Z a-z 0-9 _ . -");
        }
        Instant now = Instant.now();
        Instant expiry = now.plus(LIFETIME);
        String token = Jwt.issuer(issuer)
                .subject(request.userId())
                .groups(request.admin() ? Set.of(Roles.ADMIN) : Set.of())
                .issuedAt(now)
                .expiresAt(expiry)
                .sign();
        return new SignedToken(token, expiry.getEpochSecond());
    }

    private void requireEnabled() {
        if (!enabled) {
            throw RoomcastException.notFound("no such resource");
        }
    }
}
