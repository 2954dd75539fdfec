package dev.roomcast.rest;

import dev.roomcast.chat.Actor;
import dev.roomcast.security.Roles;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated caller of an HTTP request, as the chat services see it: {@code sub} and the admin role. */
@RequestScoped
public class Caller {

    private final JsonWebToken jwt;

    Caller(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    public Actor actor() {
        return Actor.overHttp(
                jwt.getSubject(), jwt.getGroups() != null && jwt.getGroups().contains(Roles.ADMIN));
    }
}
