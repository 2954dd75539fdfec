package dev.roomcast.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A page of history or of a thread, ascending by offset. */
@RegisterForReflection
@Schema(name = "MessagePage")
public record MessagePage(
        List<MessageView> items,

        @Schema(description = "More messages exist beyond the page, in the paging direction")
        boolean hasMore) {}
