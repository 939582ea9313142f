package dev.berth.application.port;

import java.time.Instant;

/**
 * Port: failed logins per subject ({@code user:NAME}, {@code address:IP}), kept where every node
 * sees them, for brute-force throttling. Only the throttling window matters: older rows are pruned.
 */
public interface LoginFailures {

    void record(String subject, Instant at);

    int countSince(String subject, Instant since);

    void clear(String subject);

    /** Forgets the failures before {@code before} of every subject. @return how many */
    long pruneBefore(Instant before);
}
