package dev.berth.adapters.db;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * Seals the secrets Berth keeps in PostgreSQL (token signing keys, webhook signing keys and
 * headers) with AES-256-GCM under a key that lives outside the database, so that a dump alone does
 * not give them away. Each value is bound to where it is stored (the additional data names table,
 * column and row): a sealed value copied to another row does not open.
 *
 * <p>Sealed bytes are {@code 'B' 'S' 1}, the key's 8-byte id, a 12-byte nonce, then ciphertext and
 * tag; sealed text is {@code sealed:v1:} and those bytes in base64. Values from before sealing
 * (plain) are recognised and read as they are, until {@link SealPlainSecrets} seals them.
 */
public final class SecretBox {

    public static final int KEY_BYTES = 32;
    static final String TEXT_PREFIX = "sealed:v1:";
    private static final byte[] MAGIC = {'B', 'S', 1};
    private static final int ID_BYTES = 8;
    private static final int NONCE_BYTES = 12;
    private static final int HEADER_BYTES = MAGIC.length + ID_BYTES + NONCE_BYTES;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final byte[] id;

    private SecretBox(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a secrets key is " + KEY_BYTES + " bytes (base64 of 32 random bytes), not "
                    + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.id = Arrays.copyOf(sha256("berth secrets key id", key), ID_BYTES);
    }

    /** A key given as base64 (from configuration or a key file). */
    public static SecretBox ofBase64(String key) {
        try {
            return new SecretBox(Base64.getDecoder().decode(key.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a secrets key is base64 of 32 random bytes: " + e.getMessage(), e);
        }
    }

    /** A fresh random key (its base64 is what {@link #keyFile} writes). */
    public static String newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * The key in {@code file}, made (owner-only, on disk before it is used) when there is none yet.
     * A file that others may read is narrowed to the owner first: the key is the only thing between
     * a database dump and the secrets in it.
     */
    public static SecretBox keyFile(Path file) {
        try {
            if (Files.notExists(file)) {
                create(file);
            }
            if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null
                    && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            return ofBase64(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secrets key file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static void create(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".secrets-", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((newKey() + "\n").getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            // a link, not a rename (which replaces): two processes starting at once end with one key, the first
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException e) {
            // another process made it first: use theirs
        } finally {
            Files.deleteIfExists(temporary);
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /** Names the key (not secret): an unreadable value says which key sealed it. */
    public String keyId() {
        return HexFormat.of().formatHex(id);
    }

    byte[] seal(byte[] plain, String where) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, where);
            byte[] sealed = Arrays.copyOf(MAGIC, HEADER_BYTES + cipher.getOutputSize(plain.length));
            System.arraycopy(id, 0, sealed, MAGIC.length, ID_BYTES);
            System.arraycopy(nonce, 0, sealed, MAGIC.length + ID_BYTES, NONCE_BYTES);
            cipher.doFinal(plain, 0, plain.length, sealed, HEADER_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e.getMessage(), e);
        }
    }

    /** @throws Unreadable when sealed with another key, or changed, or moved from {@code where} */
    byte[] open(byte[] stored, String where) {
        if (!isSealed(stored)) {
            return stored;
        }
        byte[] sealedWith = Arrays.copyOfRange(stored, MAGIC.length, MAGIC.length + ID_BYTES);
        if (!MessageDigest.isEqual(sealedWith, id)) {
            throw new Unreadable(where + " was sealed with secrets key " + HexFormat.of().formatHex(sealedWith)
                    + ", not with the configured key " + keyId() + " (restore that key: secrets.keyfile or secrets.key)");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(stored, MAGIC.length + ID_BYTES, HEADER_BYTES),
                    where);
            return cipher.doFinal(stored, HEADER_BYTES, stored.length - HEADER_BYTES);
        } catch (AEADBadTagException e) {
            throw new Unreadable(where + " does not open with secrets key " + keyId()
                    + ": changed in the database, or copied from another row");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e.getMessage(), e);
        }
    }

    String sealText(String plain, String where) {
        return TEXT_PREFIX + Base64.getEncoder().encodeToString(seal(plain.getBytes(StandardCharsets.UTF_8), where));
    }

    String openText(String stored, String where) {
        if (!isSealed(stored)) {
            return stored;
        }
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(stored.substring(TEXT_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new Unreadable(where + " is no sealed value: " + e.getMessage());
        }
        return new String(open(sealed, where), StandardCharsets.UTF_8);
    }

    static boolean isSealed(byte[] stored) {
        return stored.length > HEADER_BYTES && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    static boolean isSealed(String stored) {
        return stored.startsWith(TEXT_PREFIX);
    }

    private Cipher cipher(int mode, byte[] nonce, String where) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(where.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static byte[] sha256(String label, byte[] key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(label.getBytes(StandardCharsets.UTF_8));
            return digest.digest(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SecretBox[key " + keyId() + "]";
    }

    /** A sealed value this key cannot open. */
    public static final class Unreadable extends IllegalStateException {
        Unreadable(String message) {
            super(message);
        }
    }
}
