package dev.roomcast.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The caller's latest notifications, newest first. */
@RegisterForReflection
@Schema(name = "NotificationList")
public record NotificationList(List<NotificationView> items) {}
