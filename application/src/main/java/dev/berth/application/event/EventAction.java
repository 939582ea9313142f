package dev.berth.application.event;

import java.util.Locale;

/** What happened, in Distribution's words. */
public enum EventAction {
    PUSH, PULL, DELETE, MOUNT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but push, pull, delete, mount */
    public static EventAction parse(String text) {
        for (EventAction action : values()) {
            if (action.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return action;
            }
        }
        throw new IllegalArgumentException("expected push, pull, delete or mount, found '" + text + "'");
    }
}
