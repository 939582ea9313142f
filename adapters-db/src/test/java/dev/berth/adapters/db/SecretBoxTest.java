package dev.berth.adapters.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sealing secrets with AES-256-GCM under a key outside the database. */
class SecretBoxTest {

    private final SecretBox box = SecretBox.ofBase64(SecretBox.newKey());

    @Test
    void sealsAndOpensBoundToWhereTheValueIsStored() {
        byte[] secret = "private key bytes".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = box.seal(secret, "signing_key.private_key kid=a");

        assertThat(SecretBox.isSealed(sealed)).isTrue();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("private key bytes");
        assertThat(box.open(sealed, "signing_key.private_key kid=a")).isEqualTo(secret);
        assertThat(box.seal(secret, "x")).as("a fresh nonce each time").isNotEqualTo(box.seal(secret, "x"));
        assertThatThrownBy(() -> box.open(sealed, "signing_key.private_key kid=b"))
                .isInstanceOf(SecretBox.Unreadable.class).hasMessageContaining("copied from another row");
    }

    @Test
    void aChangedValueOrAnotherKeyIsRefusedNamingTheKeys() {
        byte[] sealed = box.seal(new byte[]{1, 2, 3}, "w");
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> box.open(sealed, "w")).isInstanceOf(SecretBox.Unreadable.class)
                .hasMessageContaining("changed in the database");

        SecretBox other = SecretBox.ofBase64(SecretBox.newKey());
        String text = box.sealText("Authorization: Bearer abc", "h");
        assertThat(text).startsWith("sealed:v1:").doesNotContain("Bearer");
        assertThat(box.openText(text, "h")).isEqualTo("Authorization: Bearer abc");
        assertThatThrownBy(() -> other.openText(text, "h")).isInstanceOf(SecretBox.Unreadable.class)
                .hasMessageContaining("sealed with secrets key " + box.keyId())
                .hasMessageContaining("not with the configured key " + other.keyId());
    }

    @Test
    void plainValuesFromBeforeSealingAreReadAsTheyAre() {
        byte[] pkcs8 = {0x30, (byte) 0x81, 0x41, 0x02, 0x01, 0x00};
        assertThat(SecretBox.isSealed(pkcs8)).isFalse();
        assertThat(box.open(pkcs8, "w")).isEqualTo(pkcs8);
        assertThat(box.openText("0123456789abcdef", "w")).isEqualTo("0123456789abcdef");
    }

    @Test
    void theKeyFileIsMadeOnceOwnerOnlyAndKept(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("data/secrets.key");
        SecretBox first = SecretBox.keyFile(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(SecretBox.keyFile(file).keyId()).isEqualTo(first.keyId());
        byte[] sealed = first.seal(new byte[]{9}, "w");
        assertThat(SecretBox.keyFile(file).open(sealed, "w")).containsExactly(9);
        assertThat(directory.resolve("data")).isDirectoryNotContaining("glob:**.tmp");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SecretBox.keyFile(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aKeyThatIsNot32BytesOfBase64IsRefused(@TempDir Path directory) throws Exception {
        assertThatThrownBy(() -> SecretBox.ofBase64("c2hvcnQ=")).hasMessageContaining("32 random bytes");
        Path file = Files.writeString(directory.resolve("secrets.key"), "not base64!");
        assertThatThrownBy(() -> SecretBox.keyFile(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("base64");
    }
}
