package dev.berth.application.registry;

import dev.berth.application.port.SigningKeyStore;
import dev.berth.domain.manifest.LibtrustSignatures;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * Berth's own key for signing the schema 1 manifests it converts for old clients (Distribution's
 * {@code compatibility.schema1} trust key): an EC P-256 key made once and kept with the token
 * signing keys ({@link SigningKeyStore}, private key sealed), so every node and every restart signs
 * with the same key. Should two nodes make one at once, both use the older.
 */
@ApplicationScoped
public class SchemaOneSigningKey {

    /** How the key is told apart from token keys in the store (tokens use only {@code ES256} keys). */
    static final String ALGORITHM = "schema1-ES256";

    private final SigningKeyStore store;
    private final Clock clock;
    private volatile KeyPair key;

    /** For the CDI proxy only. */
    protected SchemaOneSigningKey() {
        this(null, null);
    }

    @Inject
    public SchemaOneSigningKey(SigningKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public KeyPair keyPair() {
        KeyPair loaded = key;
        if (loaded == null) {
            synchronized (this) {
                loaded = key;
                if (loaded == null) {
                    loaded = stored().orElseGet(this::generate);
                    key = loaded;
                }
            }
        }
        return loaded;
    }

    private Optional<KeyPair> stored() {
        return store.since(Instant.EPOCH).stream()
                .filter(k -> ALGORITHM.equals(k.algorithm()))
                .min(Comparator.comparing(SigningKeyStore.SigningKey::createdAt).thenComparing(SigningKeyStore.SigningKey::kid))
                .map(SchemaOneSigningKey::decode);
    }

    private KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair generated = generator.generateKeyPair();
            store.add(new SigningKeyStore.SigningKey(LibtrustSignatures.keyId(generated.getPublic()), ALGORITHM,
                    generated.getPrivate().getEncoded(), generated.getPublic().getEncoded(), clock.instant()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key could be made", e);
        }
        // another node may have stored one first: the oldest wins everywhere
        return stored().orElseThrow();
    }

    private static KeyPair decode(SigningKeyStore.SigningKey stored) {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            return new KeyPair(factory.generatePublic(new X509EncodedKeySpec(stored.publicKey())),
                    factory.generatePrivate(new PKCS8EncodedKeySpec(stored.privateKey())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored schema 1 signing key " + stored.kid() + " is unreadable", e);
        }
    }
}
