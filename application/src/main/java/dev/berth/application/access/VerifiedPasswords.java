package dev.berth.application.access;

import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passwords recently checked against a stored bcrypt hash. bcrypt costs tens of milliseconds by
 * design, and a docker push sends the credentials with every one of its many requests. The key
 * covers the stored hash, so a changed password is a miss; whether the user is enabled is read
 * from the directory every time. Also the passwords recently refused, so that the throttle counts a
 * wrong password once however many requests repeat it.
 */
@ApplicationScoped
public class VerifiedPasswords {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final int MAX_ENTRIES = 10_000;

    private final Map<String, Instant> verified = new ConcurrentHashMap<>();
    private final Map<String, Instant> refused = new ConcurrentHashMap<>();

    public boolean contains(String storedHash, String password, Instant now) {
        Instant until = verified.get(key(storedHash, password));
        return until != null && now.isBefore(until);
    }

    public void add(String storedHash, String password, Instant now) {
        bound(verified, now);
        verified.put(key(storedHash, password), now.plus(TTL));
    }

    /**
     * Notes that {@code password} was refused for {@code attempt} (the name, address and stored hash
     * tried) and tells whether that is news: false when it was refused within the last
     * {@code window} already. Atomic: of requests refused at the same moment, one is the first.
     */
    public boolean firstRefusal(String attempt, String password, Instant now, Duration window) {
        bound(refused, now);
        boolean[] first = {false};
        refused.compute(key(attempt, password), (key, until) -> {
            if (until != null && now.isBefore(until)) {
                return until;
            }
            first[0] = true;
            return now.plus(window);
        });
        return first[0];
    }

    /** Expired entries go when the map is full; if it is still full, everything goes (a miss costs one bcrypt). */
    private static void bound(Map<String, Instant> entries, Instant now) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(until -> !now.isBefore(until));
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(String storedHash, String password) {
        return sha256(storedHash + "\u0000" + password);
    }
}
