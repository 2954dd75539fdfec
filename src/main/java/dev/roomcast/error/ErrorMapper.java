package dev.roomcast.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.WebApplicationException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The one place where failures become protocol errors, for WebSocket error frames and HTTP problem bodies
 * alike. Anything not recognised is an internal error: logged here with its stack trace, answered with a
 * message that reveals nothing.
 */
public final class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

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
        if (cause instanceof TimeoutException) {
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
        if (isRefusedValue(cause)) {
            // The input checks should have caught it; the database's word stands rather than become a 500.
            LOG.debugf("database refused a value: %s", cause.getMessage());
            return RoomcastException.badRequest("a value was not accepted");
        }
        if (isDatabaseUnreachable(cause)) {
            LOG.warnf("database unreachable: %s", cause.getMessage());
            return RoomcastException.unavailable("the database is unreachable; try again shortly");
        }
        LOG.error("internal error", cause);
        return new RoomcastException(ErrorCode.INTERNAL, "internal error");
    }

    /**
     * The database cannot be reached (refused, connection lost, shutting down): a passing condition, answered as
     * unavailable (503) rather than as a bug.
     */
    private static boolean isDatabaseUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof ClosedConnectionException) {
                return true;
            }
            // SQLSTATE class 08: connection exception; 57P01..57P03: the server is shutting down or starting.
            if (cause instanceof PgException pg
                    && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }

    /** SQLSTATE class 22, data exception: a value too long, out of range, or with a character text cannot hold (NUL). */
    private static boolean isRefusedValue(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg
                    && pg.getSqlState() != null
                    && pg.getSqlState().startsWith("22")) {
                return true;
            }
        }
        return false;
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
        return new RoomcastException(code, message == null ? code.name() : message, Map.of(), status);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
