package dev.berth.domain;

import dev.berth.domain.error.DigestInvalidException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestTest {

    static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static final String ABC_SHA512 = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

    @Test
    void parsesSha256() {
        Digest digest = Digest.parse("sha256:" + ABC_SHA256);

        assertThat(digest.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
        assertThat(digest.hex()).isEqualTo(ABC_SHA256);
        assertThat(digest).hasToString("sha256:" + ABC_SHA256);
    }

    @Test
    void parsesSha512() {
        Digest digest = Digest.parse("sha512:" + ABC_SHA512);

        assertThat(digest.algorithm()).isEqualTo(DigestAlgorithm.SHA512);
        assertThat(digest).hasToString("sha512:" + ABC_SHA512);
    }

    @Test
    void equalTextMeansEqualDigests() {
        assertThat(Digest.parse("sha256:" + ABC_SHA256)).isEqualTo(new Digest(DigestAlgorithm.SHA256, ABC_SHA256));
        assertThat(Digest.parse("sha256:" + ABC_SHA256)).isNotEqualTo(Digest.EMPTY_BLOB);
    }

    @Test
    void computesDigestsOfSmallPayloads() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);

        assertThat(Digest.of(DigestAlgorithm.SHA256, abc)).hasToString("sha256:" + ABC_SHA256);
        assertThat(Digest.of(DigestAlgorithm.SHA512, abc)).hasToString("sha512:" + ABC_SHA512);
    }

    @Test
    void emptyBlobDigestIsSha256OfNoBytes() {
        assertThat(Digest.EMPTY_BLOB)
                .hasToString("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .isEqualTo(Digest.of(DigestAlgorithm.SHA256, new byte[0]));
    }

    @Test
    void isAReference() {
        assertThat(Digest.EMPTY_BLOB).isInstanceOf(Reference.class);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                                          | digest must have the form algorithm:hex
            sha256                                                      | digest must have the form algorithm:hex
            ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad | digest must have the form algorithm:hex
            sha256:                                                     | sha256 digest must have 64 hex characters, not 0
            sha256:abc                                                  | sha256 digest must have 64 hex characters, not 3
            sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad00 | must have 64 hex characters, not 66
            sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD | digest must be lowercase hex, found 'B' at index 0
            sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aZ | found 'Z' at index 63
            sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f200 5ad | found ' ' at index 60
            sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad:x | not 66
            SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad | unsupported digest algorithm 'SHA256'
            md5:900150983cd24fb0d6963f7d28e17f72                        | unsupported digest algorithm 'md5': use sha256 or sha512
            sha384:cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7 | unsupported digest algorithm 'sha384'
            :ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad | unsupported digest algorithm ''
            sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad | sha512 digest must have 128 hex characters, not 64
            """)
    void rejectsAnythingButCanonicalSha256AndSha512(String input, String detail) {
        assertThatThrownBy(() -> Digest.parse(input))
                .isInstanceOfSatisfying(DigestInvalidException.class, e -> {
                    assertThat(e.code()).isEqualTo("DIGEST_INVALID");
                    assertThat(e.detail()).contains(detail);
                });
    }

    @Test
    void constructorValidatesToo() {
        assertThatThrownBy(() -> new Digest(DigestAlgorithm.SHA512, ABC_SHA256))
                .isInstanceOf(DigestInvalidException.class)
                .extracting(e -> ((DigestInvalidException) e).detail())
                .isEqualTo("sha512 digest must have 128 hex characters, not 64");
        assertThatThrownBy(() -> new Digest(null, ABC_SHA256)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Digest(DigestAlgorithm.SHA256, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void hugeInputIsRejectedWithoutEchoingIt() {
        String huge = "sha256:" + "a".repeat(1_000_000);

        assertThatThrownBy(() -> Digest.parse(huge))
                .isInstanceOfSatisfying(DigestInvalidException.class,
                        e -> assertThat(e.detail()).hasSizeLessThan(100));
    }
}
