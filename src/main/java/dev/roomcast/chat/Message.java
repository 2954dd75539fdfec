package dev.roomcast.chat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A chat message. {@code offset} is the offset of its {@code message.created} event. A deleted message keeps its row
 * (and its place in history) with empty text.
 */
@Entity
@Table(name = "messages")
public class Message {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "messages_seq")
    @SequenceGenerator(name = "messages_seq", sequenceName = "messages_seq", allocationSize = 50)
    public Long id;

    @Column(nullable = false)
    public String room;

    @Column(name = "room_offset", nullable = false)
    public long offset;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(nullable = false, columnDefinition = "text")
    public String text;

    @Column(name = "client_msg_id", nullable = false)
    public String clientMsgId;

    @Column(name = "thread_id")
    public Long threadId;

    @Column(name = "reply_count", nullable = false)
    public int replyCount;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "edited_at")
    public OffsetDateTime editedAt;

    @Column(nullable = false)
    public boolean deleted;

    @Column(nullable = false)
    public boolean pinned;
}
