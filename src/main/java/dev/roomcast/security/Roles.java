package dev.roomcast.security;

/** Role names carried in the JWT {@code groups} claim. */
public final class Roles {

    /** May moderate any room and use the emit API. */
    public static final String ADMIN = "admin";

    private Roles() {}
}
