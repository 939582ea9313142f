package dev.berth.application.system;

import java.util.Optional;

/**
 * Port: whether a part Berth runs itself (the embedded PostgreSQL) has failed beyond its own
 * recovery, so that only restarting Berth may help. Implemented by the composition root.
 */
public interface LivenessStatus {

    /** Why Berth should be restarted; empty while it can still serve or recover by itself. */
    Optional<String> fatalProblem();
}
