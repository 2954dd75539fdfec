package dev.roomcast.rest;

import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.room.RoomNames;
import dev.roomcast.security.InputRules;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * What every request of the HTTP API passes before its resource runs: path parameters that follow their rules (room
 * names as PROTOCOL.md section 3 writes them, user ids, numeric ids: else 400 {@code BAD_REQUEST}, never a database
 * error), and the caller's rate limit (429 {@code RATE_LIMITED} with {@code Retry-After}). A request without a valid
 * token is not limited here: its resource answers 401.
 */
public class RequestRules {

    private static final int MAX_ID_DIGITS = 18;

    private final RestRateLimits limits;

    RequestRules(RestRateLimits limits) {
        this.limits = limits;
    }

    @ServerRequestFilter
    public Uni<Void> check(ContainerRequestContext request, RoutingContext routing) {
        checkPath(request.getUriInfo().getPathParameters());
        boolean write = !HttpMethod.GET.equals(request.getMethod()) && !HttpMethod.HEAD.equals(request.getMethod());
        return QuarkusHttpUser.getSecurityIdentity(routing, null)
                .onFailure()
                .recoverWithNull() // refused by the resource's own check, with its 401
                .invoke(identity -> limit(identity, write))
                .replaceWithVoid();
    }

    private void limit(SecurityIdentity identity, boolean write) {
        if (identity == null || identity.isAnonymous()) {
            return;
        }
        long waitMillis = limits.tryAcquire(identity.getPrincipal().getName(), write, System.nanoTime());
        if (waitMillis > 0) {
            throw new RoomcastException(
                    ErrorCode.RATE_LIMITED,
                    "too many requests; retry after " + waitMillis + " ms",
                    Map.of("retryAfterMs", waitMillis),
                    429);
        }
    }

    private static void checkPath(MultivaluedMap<String, String> parameters) {
        String room = parameters.getFirst("room");
        if (room != null && RoomNames.parse(room).isEmpty()) {
            throw RoomcastException.badRequest("malformed room name");
        }
        String userId = parameters.getFirst("userId");
        if (userId != null) {
            InputRules.userId(userId, "userId");
        }
        String id = parameters.getFirst("id");
        if (id != null && !isId(id)) {
            throw RoomcastException.badRequest("id must be a number of at most " + MAX_ID_DIGITS + " digits");
        }
    }

    private static boolean isId(String value) {
        if (value.isEmpty() || value.length() > MAX_ID_DIGITS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
