package dev.berth.application.access;

import dev.berth.application.port.PasswordHasher;

/** A hash of nothing, checked for unknown users so that their failures take as long as wrong passwords. */
final class DummyHash {

    private static volatile String hash;

    private DummyHash() {
    }

    static String of(PasswordHasher hasher) {
        String h = hash;
        if (h == null) {
            h = hasher.hash("not a password anyone has " + System.nanoTime());
            hash = h;
        }
        return h;
    }
}
