package dev.berth.application.fake;

import dev.berth.application.port.PasswordHasher;

/** Not bcrypt: a readable stand-in with the same contract ("$2" hashes, as bcrypt's all begin). */
public final class PlainPasswordHasher implements PasswordHasher {

    @Override
    public String hash(String password) {
        return "$2y$plain$" + password;
    }

    @Override
    public boolean verify(String password, String hash) {
        return hash.equals(hash(password));
    }

    @Override
    public boolean supports(String hash) {
        return hash.startsWith("$2");
    }
}
