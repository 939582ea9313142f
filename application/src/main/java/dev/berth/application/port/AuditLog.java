package dev.berth.application.port;

import java.time.Instant;
import java.util.List;

/** Port: who did what, when, from where. Never a password or token. */
public interface AuditLog {

    /**
     * @param actor   the user name, {@code anonymous}, or {@code system}
     * @param address the client's address, or {@code local}
     * @param action  e.g. {@code login}, {@code push}, {@code delete}, {@code grant}
     * @param target  what it was done to (a user, a repository reference), or empty
     */
    record Event(Instant at, String actor, String address, String action, String target, boolean success,
                 String detail) {
    }

    void record(Event event);

    /** The newest events first. */
    List<Event> recent(int limit);
}
