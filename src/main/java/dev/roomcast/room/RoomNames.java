package dev.roomcast.room;

import java.util.Optional;

/**
 * Room-name rules of PROTOCOL.md section 3: at most 128 characters, namespace {@code [a-z][a-z0-9_-]*}, id
 * {@code [A-Za-z0-9_.@-]+}; and the names of the automatic rooms.
 */
public final class RoomNames {

    public static final String USER_NAMESPACE = "user";
    public static final String CLIENT_NAMESPACE = "client";
    private static final int MAX_LENGTH = 128;

    private RoomNames() {}

    public static Optional<RoomName> parse(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int colon = name.indexOf(':');
        if (colon <= 0 || colon == name.length() - 1) {
            return Optional.empty();
        }
        if (!isNamespace(name, colon) || !isId(name, colon + 1)) {
            return Optional.empty();
        }
        return Optional.of(new RoomName(name, name.substring(0, colon), name.substring(colon + 1)));
    }

    public static String userRoom(String userId) {
        return USER_NAMESPACE + ":" + userId;
    }

    public static String clientRoom(String clientId) {
        return CLIENT_NAMESPACE + ":" + clientId;
    }

    private static boolean isNamespace(String name, int end) {
        char first = name.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < end; i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isId(String name, int start) {
        for (int i = start; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '@'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
