package dev.roomcast.error;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.logging.Logger;

/**
 * The one place where failures become protocol errors, for WebSocket error frames and HTTP problem bodies
 * alike. Anything not recognised is an internal error: logged here with its stack trace, answered with a
 * message that reveals nothing.
 */
public final class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static RoomcastException map(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RoomcastException known) {
            return known;
        }
        if (cause instanceof UnauthorizedException || cause instanceof AuthenticationFailedException) {
            return new RoomcastException(ErrorCode.AUTH_REQUIRED, "a valid bearer token is required");
        }
        if (cause instanceof ForbiddenException) {
            return new RoomcastException(ErrorCode.FORBIDDEN, "not allowed");
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return RoomcastException.unavailable("the cluster link (Redis) did not answer in time");
        }
        if (cause instanceof JsonProcessingException) {
            return RoomcastException.badRequest("body is not valid JSON of the expected shape");
        }
        if (cause instanceof WebApplicationException web && web.getCause() instanceof JsonProcessingException) {
            return RoomcastException.badRequest("body is not valid JSON of the expected shape");
        }
        if (cause instanceof WebApplicationException web) {
            return fromStatus(web.getResponse().getStatus(), web.getMessage());
        }
        LOG.error("internal error", cause);
        return new RoomcastException(ErrorCode.INTERNAL, "internal error");
    }

    private static RoomcastException fromStatus(int status, String message) {
        ErrorCode code = switch (status) {
            case 401 -> ErrorCode.AUTH_REQUIRED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 409 -> ErrorCode.CONFLICT;
            case 429 -> ErrorCode.RATE_LIMITED;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
        };
        return new RoomcastException(code, message == null ? code.name() : message, java.util.Map.of(), status);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
