package dev.roomcast.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A page of revocations in force, newest first. */
@RegisterForReflection
public record RevocationPage(List<RevocationView> items, boolean hasMore) {}
