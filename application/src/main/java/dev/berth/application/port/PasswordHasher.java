package dev.berth.application.port;

/** Port: one-way password hashes (bcrypt). */
public interface PasswordHasher {

    String hash(String password);

    /** Whether {@code password} matches {@code hash}; false (never an exception) for a malformed hash. */
    boolean verify(String password, String hash);

    /** Whether {@code hash} is in a format this hasher verifies. */
    boolean supports(String hash);
}
