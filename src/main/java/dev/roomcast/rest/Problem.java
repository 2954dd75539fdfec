package dev.roomcast.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The body of every HTTP error: {@code {"code": CODE, "message": TEXT}} (PROTOCOL.md section 6). */
@RegisterForReflection
public record Problem(String code, String message) {}
