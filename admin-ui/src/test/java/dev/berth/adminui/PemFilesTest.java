package dev.berth.adminui;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PemFilesTest {

    private static final String CERT_A = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    private static final String CERT_B = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----";
    private static final String LEGACY_KEY = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
            + "DEK-Info: AES-256-CBC,00\n\nKKKK\n-----END RSA PRIVATE KEY-----";

    @Test
    void aCombinedFileFillsBothFieldsInFileOrderAndSkipsTheRest() {
        PemFiles.Parts parts = PemFiles.split("subject=CN=x\n" + CERT_A + "\n" + LEGACY_KEY + "\nBag Attributes\n"
                + CERT_B + "\n-----BEGIN X509 CRL-----\nCCCC\n-----END X509 CRL-----\n");
        assertThat(parts.certificates()).containsExactly(CERT_A, CERT_B);
        assertThat(parts.key()).isEqualTo(LEGACY_KEY + "\n");
    }

    @Test
    void aCertificateAlreadyInTheChainIsNotAddedAgain() {
        String chain = PemFiles.append("", PemFiles.split(CERT_A));
        assertThat(chain).isEqualTo(CERT_A + "\n");
        assertThat(PemFiles.append(chain, PemFiles.split(CERT_A + "\n" + CERT_B)))
                .isEqualTo(CERT_A + "\n" + CERT_B + "\n");
    }

    @Test
    void aFileWithoutPemBlocksIsEmpty() {
        assertThat(PemFiles.split("just text").isEmpty()).isTrue();
        assertThat(PemFiles.split(CERT_A).key()).isEmpty();
    }
}
