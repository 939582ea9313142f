package dev.berth.application.fake;

import dev.berth.application.port.SigningKeyStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The token signing keys in memory, for the token service's tests. */
public final class InMemorySigningKeys implements SigningKeyStore {

    public final List<SigningKey> keys = new ArrayList<>();
    /** How often the keys were read: a node reads them again only when it must. */
    public int reads;

    @Override
    public synchronized List<SigningKey> since(Instant since) {
        reads++;
        return keys.stream().filter(k -> !k.createdAt().isBefore(since))
                .sorted(Comparator.comparing(SigningKey::createdAt).reversed()).toList();
    }

    @Override
    public synchronized void add(SigningKey key) {
        keys.add(key);
    }

    @Override
    public synchronized boolean addUnlessCreatedAfter(SigningKey key, Instant after) {
        if (keys.stream().anyMatch(k -> k.algorithm().equals(key.algorithm()) && k.createdAt().isAfter(after))) {
            return false;
        }
        keys.add(key);
        return true;
    }
}
