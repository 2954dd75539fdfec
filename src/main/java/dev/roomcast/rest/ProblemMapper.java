package dev.roomcast.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.ErrorMapper;
import dev.roomcast.error.RoomcastException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Renders failures of the HTTP API as problem bodies; what they mean is decided by {@link ErrorMapper}. */
public class ProblemMapper {

    // MismatchedInputException is listed on its own: quarkus-rest-jackson maps it more specifically than its parent.
    @ServerExceptionMapper({
        RoomcastException.class,
        WebApplicationException.class,
        UnauthorizedException.class,
        AuthenticationFailedException.class,
        ForbiddenException.class,
        JsonProcessingException.class,
        MismatchedInputException.class
    })
    public RestResponse<Problem> map(Throwable failure) {
        return problem(failure);
    }

    /** Everything else too (a database that cannot be reached is 503): every error answer has a problem body. */
    @ServerExceptionMapper(Exception.class)
    public RestResponse<Problem> mapOther(Exception failure) {
        return problem(failure);
    }

    private static RestResponse<Problem> problem(Throwable failure) {
        RoomcastException error = ErrorMapper.map(failure);
        RestResponse.ResponseBuilder<Problem> response = RestResponse.ResponseBuilder.<Problem>create(
                        error.httpStatus())
                .entity(new Problem(error.code().name(), error.getMessage()))
                .type(MediaType.APPLICATION_JSON_TYPE);
        if (error.code() == ErrorCode.AUTH_REQUIRED) {
            response.header("WWW-Authenticate", "Bearer");
        }
        if (error.details().get("retryAfterMs") instanceof Long waitMillis) {
            response.header("Retry-After", Math.max(1, (waitMillis + 999) / 1000)); // whole seconds, never zero
        }
        return response.build();
    }
}
