package dev.roomcast.chat;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The caller's latest notifications, newest first. */
@RegisterForReflection
@Schema(name = "NotificationList")
public record NotificationList(List<NotificationView> items) {}
