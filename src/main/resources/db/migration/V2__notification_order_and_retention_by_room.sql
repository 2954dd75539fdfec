-- Notifications are listed newest first by time: ids come from pooled sequence blocks per pod and are not in time
-- order across pods.
DROP INDEX notifications_by_user;
DROP INDEX notifications_unread;
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id, created_at DESC, id DESC) WHERE NOT read;

-- The age limit is applied room by room, under each room's lock.
CREATE INDEX room_events_by_room_age ON room_events (room, created_at);
