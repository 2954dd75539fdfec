-- Chat rooms, members, bans, messages, reactions, read positions, notifications and the per-room event log.
-- Every persisted room event takes the room's next offset (rooms.last_offset), allocated under the room row's lock
-- in the transaction that stores it: offsets are gapless and unique per room whichever pod writes.

CREATE TABLE rooms (
    name        VARCHAR(128) PRIMARY KEY,          -- 'chat:general'
    title       VARCHAR(200),
    owner_id    VARCHAR(255) NOT NULL,
    epoch       VARCHAR(32)  NOT NULL,             -- identifies this room's history; new when a name is reused
    last_offset BIGINT       NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ  NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL
);

CREATE TABLE room_members (
    room        VARCHAR(128) NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,
    user_id     VARCHAR(255) NOT NULL,
    read_offset BIGINT       NOT NULL DEFAULT 0,   -- the user's read position in the room
    joined_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (room, user_id)
);
-- GET /api/rooms: the rooms of a user.
CREATE INDEX room_members_by_user ON room_members (user_id, room);

CREATE TABLE room_bans (
    room      VARCHAR(128) NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,
    user_id   VARCHAR(255) NOT NULL,
    banned_by VARCHAR(255) NOT NULL,
    banned_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (room, user_id)
);

CREATE SEQUENCE messages_seq INCREMENT BY 50;
CREATE TABLE messages (
    id            BIGINT       PRIMARY KEY,
    room          VARCHAR(128) NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,
    room_offset   BIGINT       NOT NULL,           -- offset of its message.created event
    user_id       VARCHAR(255) NOT NULL,
    text          TEXT         NOT NULL,
    client_msg_id VARCHAR(128) NOT NULL,
    thread_id     BIGINT       REFERENCES messages (id) ON DELETE CASCADE,
    reply_count   INT          NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ  NOT NULL,
    edited_at     TIMESTAMPTZ,
    deleted       BOOLEAN      NOT NULL DEFAULT FALSE,
    pinned        BOOLEAN      NOT NULL DEFAULT FALSE,
    -- Idempotent send: one message per author and clientMsgId, whichever pod receives the retry.
    CONSTRAINT messages_client_msg_id UNIQUE (user_id, client_msg_id),
    -- History pages (before/after/latest) and unread counts walk a room by offset.
    CONSTRAINT messages_room_offset UNIQUE (room, room_offset)
);
-- A thread's replies, in order.
CREATE INDEX messages_by_thread ON messages (thread_id, room_offset) WHERE thread_id IS NOT NULL;

CREATE TABLE reactions (
    message_id BIGINT       NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    VARCHAR(255) NOT NULL,
    emoji      VARCHAR(64)  NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)       -- counts per (message, emoji) read from this index
);

-- The log of every persisted room event, as sent (event name and data JSON), for recovery by offset.
CREATE TABLE room_events (
    room        VARCHAR(128) NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,
    room_offset BIGINT       NOT NULL,
    event       VARCHAR(64)  NOT NULL,
    data        TEXT         NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (room, room_offset)
);
-- Retention by age.
CREATE INDEX room_events_by_age ON room_events (created_at);

CREATE SEQUENCE notifications_seq INCREMENT BY 50;
CREATE TABLE notifications (
    id         BIGINT       PRIMARY KEY,
    user_id    VARCHAR(255) NOT NULL,
    type       VARCHAR(32)  NOT NULL,
    room       VARCHAR(128) NOT NULL,
    message_id BIGINT       NOT NULL,
    from_user  VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL,
    read       BOOLEAN      NOT NULL DEFAULT FALSE
);
-- GET /api/notifications (newest first), and ?unread=true.
CREATE INDEX notifications_by_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id, id DESC) WHERE NOT read;
