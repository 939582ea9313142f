package dev.berth.application.port;

import java.time.Instant;
import java.util.Optional;

/**
 * Port: admin UI sign-ins that any node can resume, so that a browser whose node died (or restarted)
 * lands signed in on another one. Only the SHA-256 of a session's secret is stored: the secret is
 * random and long, so a fast hash is enough and lets it be looked up.
 */
public interface AdminSessionStore {

    /**
     * @param credentialStamp the user's credential stamp at sign-in: a password, standing or admin flag
     *                        changed since then ends the session
     */
    record StoredSession(String secretSha256, String user, long credentialStamp, String address,
                         Instant startedAt, Instant seenAt) {
    }

    void add(StoredSession session);

    Optional<StoredSession> find(String secretSha256);

    /** @return false when the session is gone (ended on another node, or removed as idle) */
    boolean touch(String secretSha256, Instant at);

    void remove(String secretSha256);

    /** Removes the sessions last seen before {@code seenBefore} or started before {@code startedBefore}. */
    int removeExpired(Instant seenBefore, Instant startedBefore);
}
