package dev.roomcast.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code {"message": MESSAGE}}: the answer to a send or an edit, and the data of message.created and .updated. */
@RegisterForReflection
@Schema(name = "MessageReply")
public record MessageReply(MessageView message) {}
