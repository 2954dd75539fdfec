-- Idempotency is per user and room: the same clientMsgId in another room is another message.
ALTER TABLE messages DROP CONSTRAINT messages_client_msg_id;
ALTER TABLE messages ADD CONSTRAINT messages_client_msg_id UNIQUE (room, user_id, client_msg_id);

-- The room quota counts the rooms a user owns.
CREATE INDEX rooms_by_owner ON rooms (owner_id);

-- Notifications go with their room, and are kept roomcast.notifications.max-age.
DELETE FROM notifications n WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.name = n.room);
ALTER TABLE notifications ADD CONSTRAINT notifications_room FOREIGN KEY (room) REFERENCES rooms (name) ON DELETE CASCADE;
CREATE INDEX notifications_by_room ON notifications (room);
CREATE INDEX notifications_by_age ON notifications (created_at);
