package dev.roomcast.chat;

/**
 * An event for one user's sessions (not persisted in a room's log): notifications, read positions, memberships.
 * {@code leave} names a room the user's sessions leave as the event reaches them (kick, ban, leaving); with
 * {@code sparesAdmins} (a ban) the user's admin sessions stay, since a ban never applies to an admin.
 */
public record UserEvent(String userId, String event, String data, String leave, boolean sparesAdmins) {

    public UserEvent(String userId, String event, String data) {
        this(userId, event, data, null, false);
    }
}
