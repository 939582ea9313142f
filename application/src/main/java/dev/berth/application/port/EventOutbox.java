package dev.berth.application.port;

import dev.berth.application.event.EventAction;

/**
 * Port: the durable queue of events. {@link #add} joins the caller's metadata transaction, so an
 * event exists exactly when the change it reports was committed. It queues one delivery per
 * enabled endpoint whose ignore rules let the event through, and stores nothing when there is none.
 */
public interface EventOutbox {

    /**
     * @param mediaType the target's media type (null when the event has none), for the ignore rules
     * @param json      the event in its stored form (see {@code EventJson})
     */
    void add(EventAction action, String mediaType, String json);

    /**
     * Whether {@link #add} would store the event: true when unsure. Lets a pull, which changes no
     * metadata, skip building the event and its transaction when no endpoint wants it.
     */
    default boolean wants(EventAction action, String mediaType) {
        return true;
    }
}
