package dev.berth.adapters.db;

import dev.berth.application.port.SigningKeyStore;

import java.time.Instant;
import java.util.List;

/** Token signing keys in {@code signing_key}, shared by every node. */
public final class PostgresSigningKeyStore implements SigningKeyStore {

    private final Jpa jpa;

    public PostgresSigningKeyStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public List<SigningKey> since(Instant since) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT kid, algorithm, private_key, public_key, created_at FROM signing_key
                        WHERE created_at >= :since ORDER BY created_at DESC""")
                .setParameter("since", since))
                .map(r -> new SigningKey((String) r[0], (String) r[1], (byte[]) r[2], (byte[]) r[3], Rows.instant(r[4])))
                .toList());
    }

    @Override
    public void add(SigningKey key) {
        jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO signing_key (kid, algorithm, private_key, public_key, created_at)
                        VALUES (:kid, :algorithm, :private, :public, :created)""")
                .setParameter("kid", key.kid())
                .setParameter("algorithm", key.algorithm())
                .setParameter("private", key.privateKey())
                .setParameter("public", key.publicKey())
                .setParameter("created", key.createdAt())
                .executeUpdate());
    }
}
