package dev.berth.adapters.db;

import dev.berth.application.port.SigningKeyStore;
import jakarta.persistence.EntityManager;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Token signing keys in {@code signing_key}, shared by every node; the private keys sealed with
 * the secrets key ({@link SecretBox}), bound to their kid.
 */
public final class PostgresSigningKeyStore implements SigningKeyStore {

    private static final Logger LOG = Logger.getLogger(PostgresSigningKeyStore.class.getName());

    /** "berthkey": the advisory lock of making a new signing key; no other lock of Berth uses it. */
    private static final long NEW_KEY_TURN = 0x62657274686b6579L;

    private final Jpa jpa;
    private final SecretBox secrets;
    private final Set<String> reportedUnreadable = ConcurrentHashMap.newKeySet();

    public PostgresSigningKeyStore(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.secrets = database.secrets();
    }

    /** Keys sealed with another secrets key are left out (and said once): a new key is made instead. */
    @Override
    public List<SigningKey> since(Instant since) {
        List<Object[]> rows = jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT kid, algorithm, private_key, public_key, created_at FROM signing_key
                        WHERE created_at >= :since ORDER BY created_at DESC""")
                .setParameter("since", since)).toList());
        List<SigningKey> keys = new ArrayList<>();
        for (Object[] r : rows) {
            String kid = (String) r[0];
            try {
                keys.add(new SigningKey(kid, (String) r[1], secrets.open((byte[]) r[2], where(kid)), (byte[]) r[3],
                        Rows.instant(r[4])));
            } catch (SecretBox.Unreadable e) {
                if (reportedUnreadable.add(kid)) {
                    LOG.warning("Token signing key left out: " + e.getMessage()
                            + "; tokens it signed are refused, a new key signs from now on");
                }
            }
        }
        return keys;
    }

    @Override
    public void add(SigningKey key) {
        jpa.transaction(em -> insert(em, key));
    }

    @Override
    public boolean addUnlessCreatedAfter(SigningKey key, Instant after) {
        return jpa.transaction(em -> {
            // a turn across nodes until commit: the second node to get here sees the first one's key
            em.createNativeQuery("SELECT pg_advisory_xact_lock(:turn)").setParameter("turn", NEW_KEY_TURN)
                    .getSingleResult();
            boolean fresh = !em.createNativeQuery(
                            "SELECT 1 FROM signing_key WHERE algorithm = :algorithm AND created_at > :after")
                    .setParameter("algorithm", key.algorithm())
                    .setParameter("after", after)
                    .getResultList().isEmpty();
            if (fresh) {
                return false;
            }
            insert(em, key);
            return true;
        });
    }

    private int insert(EntityManager em, SigningKey key) {
        return em.createNativeQuery("""
                        INSERT INTO signing_key (kid, algorithm, private_key, public_key, created_at)
                        VALUES (:kid, :algorithm, :private, :public, :created)""")
                .setParameter("kid", key.kid())
                .setParameter("algorithm", key.algorithm())
                .setParameter("private", secrets.seal(key.privateKey(), where(key.kid())))
                .setParameter("public", key.publicKey())
                .setParameter("created", key.createdAt())
                .executeUpdate();
    }

    /** What a private key's sealing is bound to. */
    static String where(String kid) {
        return "signing_key.private_key kid=" + kid;
    }
}
