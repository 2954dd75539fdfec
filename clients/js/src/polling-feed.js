import { notificationItems, roomsByName } from './polling-rest.js';

/**
 * What a stream's user delivery would bring, read from lists instead: new notifications (ids not
 * in the last `GET /api/notifications`), and the membership changes between two `GET /api/rooms`
 * (`member.added`, `member.removed` without a reason: a list cannot tell a leave from a kick or a
 * ban, and `room.deleted`), which also update the joined rooms' positions.
 * @param {import('./polling-session.js').PollingSession} session
 * @param {Map<string, import('./polling-rooms.js').PolledRoom>} rooms the joined `chat:` rooms, by name
 */
export function createFeed(session, rooms) {
  const { emit } = session;
  /** The user's rooms in the last `GET /api/rooms`: the baseline for member.added / member.removed. */
  let memberRooms = new Set();
  /** Notification ids in the last answer (at most the server's 100): each one is reported once. */
  let seenNotifications = new Set();

  /** The baselines from the session's opening reads. @param {any} listBody @param {any} notesBody */
  const start = (listBody, notesBody) => {
    memberRooms = new Set(roomsByName(listBody).keys());
    // Notifications that exist already are not news: a stream would not bring them either.
    seenNotifications = new Set(notificationItems(notesBody).map((item) => item.id));
  };

  /** New notifications (ids not in the last answer), oldest first, as the stream's user delivery. @param {any} body */
  const reportNotifications = (body) => {
    const items = notificationItems(body);
    const fresh = items.filter((item) => !seenNotifications.has(item.id)).reverse();
    seenNotifications = new Set(items.map((item) => item.id));
    for (const item of fresh) {
      emit({ event: 'notification', data: { type: item.type, room: item.room, messageId: item.messageId, from: item.from } });
    }
  };

  /**
   * Membership changes since the last list, and each joined room's last offset and epoch. A
   * joined room that left the list is read once more to learn whether it was deleted (404) or the
   * user removed; a room not joined that left it is reported as member.removed without a reason.
   * @param {any} body
   */
  const applyRoomList = (body) => {
    const listed = roomsByName(body);
    for (const name of listed.keys()) {
      if (!memberRooms.has(name)) emit({ event: 'member.added', data: { room: name } });
    }
    for (const name of memberRooms) {
      if (listed.has(name)) continue;
      const state = rooms.get(name);
      if (state) state.vanished = true;
      else emit({ event: 'member.removed', data: { room: name } });
    }
    memberRooms = new Set(listed.keys());
    for (const state of [...rooms.values()]) {
      const position = listed.get(state.name);
      if (!position) {
        state.listed = false;
        continue;
      }
      if (position.epoch !== state.epoch) {
        // Deleted and created again: the history this client followed is gone (protocol.md 5.7).
        rooms.delete(state.name);
        emit({ event: 'room.deleted', room: state.name, data: { room: state.name } });
        continue;
      }
      state.listed = true;
      state.known = Math.max(state.known, position.lastOffset);
    }
  };

  /** A joined room whose messages are gone (404): no longer joined, nor in the user's rooms. @param {import('./polling-rooms.js').PolledRoom} state */
  const deleted = (state) => {
    rooms.delete(state.name);
    memberRooms.delete(state.name);
    emit({ event: 'room.deleted', room: state.name, data: { room: state.name } });
  };

  /** The user is no longer a member: the stream's user delivery, whose reason a poll cannot know. @param {import('./polling-rooms.js').PolledRoom} state */
  const removed = (state) => {
    rooms.delete(state.name);
    memberRooms.delete(state.name);
    emit({ event: 'member.removed', data: { room: state.name } });
  };

  return { start, reportNotifications, applyRoomList, deleted, removed };
}

/** @typedef {ReturnType<typeof createFeed>} Feed */
