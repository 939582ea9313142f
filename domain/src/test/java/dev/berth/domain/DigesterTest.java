package dev.berth.domain;

import dev.berth.domain.error.DigestInvalidException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigesterTest {

    @Test
    void streamingInPiecesGivesTheSameDigestAsAllAtOnce() {
        byte[] content = new byte[100_000];
        new Random(42).nextBytes(content);
        Digester digester = DigestAlgorithm.SHA256.newDigester();

        for (int offset = 0; offset < content.length; offset += 8192) {
            digester.update(content, offset, Math.min(8192, content.length - offset));
        }

        assertThat(digester.length()).isEqualTo(content.length);
        assertThat(digester.finish()).isEqualTo(Digest.of(DigestAlgorithm.SHA256, content));
    }

    @Test
    void consumesByteBuffersFromTheirPositionToTheirLimit() {
        ByteBuffer buffer = ByteBuffer.wrap("xxabcxx".getBytes(StandardCharsets.US_ASCII), 2, 3);
        Digester digester = DigestAlgorithm.SHA512.newDigester();

        digester.update(buffer);

        assertThat(buffer.hasRemaining()).isFalse();
        assertThat(digester.length()).isEqualTo(3);
        assertThat(digester.finish()).hasToString("sha512:" + DigestTest.ABC_SHA512);
    }

    @Test
    void mixesArraysAndDirectBuffers() {
        ByteBuffer direct = ByteBuffer.allocateDirect(2).put((byte) 'b').put((byte) 'c').flip();

        Digest digest = DigestAlgorithm.SHA256.newDigester()
                .update(new byte[]{'a'})
                .update(direct)
                .finish();

        assertThat(digest).hasToString("sha256:" + DigestTest.ABC_SHA256);
    }

    @Test
    void nothingHashedIsTheEmptyBlob() {
        Digester digester = DigestAlgorithm.SHA256.newDigester();

        assertThat(digester.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
        assertThat(digester.length()).isZero();
        assertThat(digester.finish()).isEqualTo(Digest.EMPTY_BLOB);
    }

    @Test
    void cannotBeUsedAfterFinishing() {
        Digester digester = DigestAlgorithm.SHA256.newDigester();
        digester.finish();

        assertThatThrownBy(() -> digester.update(new byte[1])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> digester.update(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(digester::finish).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void algorithmsAreKnownByTheirDigestPrefix() {
        assertThat(DigestAlgorithm.fromId("sha256")).isEqualTo(DigestAlgorithm.SHA256);
        assertThat(DigestAlgorithm.fromId("sha512")).isEqualTo(DigestAlgorithm.SHA512);
        assertThat(DigestAlgorithm.SHA256.id()).isEqualTo("sha256");
        assertThat(DigestAlgorithm.SHA512.hexLength()).isEqualTo(128);
        assertThatThrownBy(() -> DigestAlgorithm.fromId("blake3"))
                .isInstanceOfSatisfying(DigestInvalidException.class,
                        e -> assertThat(e.detail()).isEqualTo("unsupported digest algorithm 'blake3': use sha256 or sha512"));
    }
}
