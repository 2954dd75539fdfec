package dev.roomcast.protocol;

/** Who an envelope is for; the wire names are the {@code type} values of PROTOCOL.md section 7. */
public enum DeliveryType {
    ROOM("room"),
    USER("user"),
    CLIENT("client"),
    BROADCAST("broadcast");

    private final String wireName;

    DeliveryType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the type for a wire name, or {@code null} */
    public static DeliveryType fromWire(String name) {
        for (DeliveryType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
