package dev.berth.domain.access;

import java.util.Objects;

/** Someone who can log in. Names are what basic auth sends before the colon, so they have none. */
public record User(String name, boolean enabled, boolean admin) {

    public static final int MAX_NAME_LENGTH = 64;

    /** @throws IllegalArgumentException when the name is not a valid user name */
    public User {
        validateName(name);
    }

    public static String validateName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("user name must have 1 to " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-' || c == '@' || c == '+';
            if (!ok) {
                throw new IllegalArgumentException("user name may contain only letters, digits and . _ - @ +");
            }
        }
        return name;
    }
}
