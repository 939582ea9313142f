package dev.berth.application.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: who did what, when, from where. Never a password or token. */
public interface AuditLog {

    /**
     * @param actor   the user name, {@code anonymous}, or {@code system}
     * @param address the client's address, or {@code local}
     * @param action  e.g. {@code login}, {@code push}, {@code delete}, {@code grant}
     * @param target  what it was done to (a user, a repository reference), or empty
     * @param occurrences how many like events this one stands for (see {@link #recordRepeated}); usually 1
     */
    record Event(Instant at, String actor, String address, String action, String target, boolean success,
                 String detail, int occurrences) {

        /** One event. */
        public Event(Instant at, String actor, String address, String action, String target, boolean success,
                     String detail) {
            this(at, actor, address, action, target, success, detail, 1);
        }
    }

    /**
     * Which events to find; an empty part matches everything.
     *
     * @param actor   exactly this actor
     * @param action  exactly this action
     * @param from    at or after
     * @param until   before
     * @param success only successes (true) or only failures (false)
     */
    record Filter(Optional<String> actor, Optional<String> action, Optional<Instant> from, Optional<Instant> until,
                  Optional<Boolean> success) {

        public static final Filter ALL = new Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());

        public boolean matches(Event event) {
            return actor.map(event.actor()::equals).orElse(true)
                    && action.map(event.action()::equals).orElse(true)
                    && from.map(f -> !event.at().isBefore(f)).orElse(true)
                    && until.map(event.at()::isBefore).orElse(true)
                    && success.map(s -> s == event.success()).orElse(true);
        }
    }

    /** The most events one search returns. */
    int MAX_PAGE = 500;

    void record(Event event);

    /**
     * Records a burst of like events (throttled logins) as one row: when an event with {@code key}
     * was recorded at or after {@code since}, that event's {@code occurrences} grows by one;
     * otherwise {@code event} is recorded under {@code key}.
     */
    void recordRepeated(Event event, String key, Instant since);

    /** Deletes the events recorded before {@code before}. @return how many */
    long deleteBefore(Instant before);

    /** Deletes all but the {@code keep} newest (last recorded) events. @return how many */
    long deleteAllButNewest(long keep);

    /** The newest events first. */
    List<Event> recent(int limit);

    /** The events matching {@code filter}, newest (last recorded) first, skipping {@code offset}, at most {@code limit}. */
    List<Event> search(Filter filter, int offset, int limit);

    /** How many events match {@code filter}. */
    long count(Filter filter);
}
