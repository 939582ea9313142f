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
 * from the directory every time.
 */
@ApplicationScoped
public class VerifiedPasswords {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final int MAX_ENTRIES = 10_000;

    private final Map<String, Instant> verified = new ConcurrentHashMap<>();

    public boolean contains(String storedHash, String password, Instant now) {
        Instant until = verified.get(key(storedHash, password));
        return until != null && now.isBefore(until);
    }

    public void add(String storedHash, String password, Instant now) {
        if (verified.size() >= MAX_ENTRIES) {
            verified.values().removeIf(now::isAfter);
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
        }
        verified.put(key(storedHash, password), now.plus(TTL));
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
