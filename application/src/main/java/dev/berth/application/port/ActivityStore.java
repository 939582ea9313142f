package dev.berth.application.port;

import dev.berth.application.event.EventAction;

import java.time.LocalDate;

/** Port: how many pushes and pulls each UTC day saw, summed over all nodes. */
public interface ActivityStore {

    /** Adds {@code count} to the day's number for the action, in one atomic step whatever other nodes add. */
    void add(LocalDate day, EventAction action, long count);

    /** The day's number for the action; 0 when nothing was added. */
    long count(LocalDate day, EventAction action);
}
