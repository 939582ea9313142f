package dev.berth.application.port;

import java.time.Instant;
import java.util.List;

/** Port: the token signing keys, shared by every node. */
public interface SigningKeyStore {

    /**
     * @param privateKey PKCS#8 DER
     * @param publicKey  X.509 SubjectPublicKeyInfo DER
     */
    record SigningKey(String kid, String algorithm, byte[] privateKey, byte[] publicKey, Instant createdAt) {
    }

    /** Keys created at or after {@code since}, newest first. */
    List<SigningKey> since(Instant since);

    void add(SigningKey key);

    /**
     * Adds {@code key} unless a key of its algorithm was created after {@code after}, one caller at a
     * time across nodes: nodes rotating at once agree on one new key instead of signing with one each
     * (a token from one would be refused by the other until it reloads its keys).
     *
     * @return whether it added the key
     */
    boolean addUnlessCreatedAfter(SigningKey key, Instant after);
}
