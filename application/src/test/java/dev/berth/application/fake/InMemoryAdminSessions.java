package dev.berth.application.fake;

import dev.berth.application.port.AdminSessionStore;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Admin UI sign-ins in a map (users removed meanwhile are not followed: the use cases check them). */
public final class InMemoryAdminSessions implements AdminSessionStore {

    private final Map<String, StoredSession> sessions = new HashMap<>();

    @Override
    public synchronized void add(StoredSession session) {
        sessions.put(session.secretSha256(), session);
    }

    @Override
    public synchronized Optional<StoredSession> find(String secretSha256) {
        return Optional.ofNullable(sessions.get(secretSha256));
    }

    @Override
    public synchronized boolean touch(String secretSha256, Instant at) {
        StoredSession s = sessions.get(secretSha256);
        if (s == null) {
            return false;
        }
        Instant seen = at.isAfter(s.seenAt()) ? at : s.seenAt();
        sessions.put(secretSha256, new StoredSession(s.secretSha256(), s.user(), s.credentialStamp(), s.address(),
                s.startedAt(), seen));
        return true;
    }

    @Override
    public synchronized void remove(String secretSha256) {
        sessions.remove(secretSha256);
    }

    @Override
    public synchronized int removeExpired(Instant seenBefore, Instant startedBefore) {
        int before = sessions.size();
        sessions.values().removeIf(s -> s.seenAt().isBefore(seenBefore) || s.startedAt().isBefore(startedBefore));
        return before - sessions.size();
    }
}
