package dev.roomcast.chat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/** One user's reaction with one emoji to one message. */
@Entity
@Table(name = "reactions")
@IdClass(Reaction.Key.class)
public class Reaction {

    @Id
    @Column(name = "message_id")
    public Long messageId;

    @Id
    public String emoji;

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public static class Key implements Serializable {
        public Long messageId;
        public String emoji;
        public String userId;

        public Key() {}

        public Key(Long messageId, String emoji, String userId) {
            this.messageId = messageId;
            this.emoji = emoji;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && messageId.equals(key.messageId)
                    && emoji.equals(key.emoji)
                    && userId.equals(key.userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(messageId, emoji, userId);
        }
    }
}
