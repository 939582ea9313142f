package dev.berth.application.access;

import java.time.Duration;

/** How long an admin UI sign-in lasts, on the node that made it and when another node resumes it. */
public final class AdminSessionLimits {

    /** Idle sessions end after this (Vaadin's heartbeats do not count). */
    public static final Duration IDLE = Duration.ofMinutes(30);
    /** However active, a sign-in is not resumed after this: a stolen cookie is worth a working day at most. */
    public static final Duration LIFETIME = Duration.ofHours(12);
    /** A node confirms its sessions with the shared store at most this often: a sign-out elsewhere applies within it. */
    public static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);

    private AdminSessionLimits() {
    }
}
