package dev.berth.domain.access;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * What a password must be, as NIST SP 800-63B asks of memorized secrets: 8 characters at least, at
 * most the 72 bytes bcrypt reads (a longer one would silently be cut), not one of the commonly used
 * passwords of breach lists (compared ignoring case), and not the user's own name, alone or with only
 * digits and symbols around it.
 */
public final class PasswordRule {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_BYTES = 72;
    /** The list and where it came from: common-passwords.README.md beside it. */
    static final String COMMON_PASSWORDS = "common-passwords.txt.gz";

    private PasswordRule() {
    }

    /** @throws IllegalArgumentException saying which rule the password breaks */
    public static void check(String userName, String password) {
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (password.length() < MIN_LENGTH || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("a password needs " + MIN_LENGTH + " characters at least and "
                    + MAX_BYTES + " bytes at most");
        }
        if (isUserName(userName, password)) {
            throw new IllegalArgumentException("a password must not be the user name, not even with digits or symbols"
                    + " added");
        }
        if (isCommon(password)) {
            throw new IllegalArgumentException("this password is one of the most commonly used ones (it is on breach"
                    + " lists that attackers try first); choose another");
        }
    }

    /** The name, ignoring case, with nothing but digits and symbols left once it is taken out. */
    private static boolean isUserName(String userName, String password) {
        if (userName.isEmpty()) {
            return false;
        }
        String rest = password.toLowerCase(Locale.ROOT).replace(userName.toLowerCase(Locale.ROOT), "");
        return rest.length() < password.length() && rest.codePoints().noneMatch(Character::isLetter);
    }

    /**
     * Read on each call, not kept: passwords are set rarely, and the ~0.3 MB the list takes in
     * memory would be held for nothing between times.
     */
    static boolean isCommon(String password) {
        String wanted = password.toLowerCase(Locale.ROOT);
        try (InputStream resource = PasswordRule.class.getResourceAsStream(COMMON_PASSWORDS)) {
            if (resource == null) {
                throw new IllegalStateException(COMMON_PASSWORDS + " is missing from the class path");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(resource),
                    StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.equals(wanted)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + COMMON_PASSWORDS, e);
        }
    }
}
