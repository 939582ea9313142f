package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.BouncyCastlePemCodec;
import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.Hostname;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The certificates page in a real Chromium: a certificate made here (not by Berth) is imported,
 * activated, and served to the next TLS connection without a restart; Berth's CA is offered for
 * download. Each test leaves another certificate served: none relies on the one before.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminCertificatesIT {

    private static AdminBerth berth;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        browser = Browser.open(berth.base(), berth.work());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void signOut() {
        AdminPages.reset(browser);
    }

    @Test
    void anImportedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
        Foreign certificate = Foreign.issue("imported-ui.test", "UI test CA");
        String fingerprint = CertificateSummary.fingerprint(certificate.leaf());
        String chainPem = certificate.chainPem();
        String keyPem = certificate.keyPem();
        long pid = berth.process().pid();

        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        browser.go("/admin/certificates");
        assertThat(AdminPages.text(browser, By.id("served-fingerprint"))).isEqualTo(servedFingerprint());
        browser.screenshot("certificates-1280");

        AdminPages.click(browser, By.id("tab-import"));
        browser.type(By.id("import-chain"), chainPem);
        browser.type(By.id("import-key"), keyPem);
        AdminPages.click(browser, By.id("import-certificate"));
        browser.feedback("Staged CN=imported-ui.test");
        assertThat(AdminPages.text(browser, By.id("staged-fingerprint"))).isEqualTo(fingerprint);
        // 20 days left: under 30, so shown as a warning
        assertThat(browser.waitFor(By.id("staged-days-left")).getAttribute("class")).contains("berth-badge-warning");
        browser.screenshot("certificates-staged");

        AdminPages.click(browser, By.id("activate-certificate"));
        AdminPages.click(browser, By.id("confirm-activate"));
        browser.feedback("HTTPS now serves CN=imported-ui.test");
        assertThat(servedFingerprint()).isEqualTo(fingerprint);
        assertThat(berth.process().pid()).isEqualTo(pid);
        assertThat(AdminPages.text(browser, By.id("served-fingerprint"))).isEqualTo(fingerprint);
        assertThat(AdminPages.text(browser, By.id("served-issuer"))).startsWith("CN=UI test CA");
        assertThat(AdminPages.text(browser, By.id("staged-none"))).startsWith("Nothing is staged");
        // a foreign CA issued it: Berth offers no CA of its own for it
        assertThat(AdminPages.text(browser, By.id("ca-section"))).contains("outside Berth");
        browser.screenshot("certificates-activated");
    }

    @Test
    void aCertificateFromBerthsCaIsGeneratedActivatedAndItsCaDownloaded() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        browser.go("/admin/certificates");
        AdminPages.click(browser, By.id("tab-generate"));
        browser.type(By.id("generate-hostnames"), "generated-ui.test");
        AdminPages.click(browser, By.id("generate-certificate"));
        browser.feedback("Staged a new certificate for DNS:generated-ui.test");
        String staged = AdminPages.text(browser, By.id("staged-fingerprint"));
        AdminPages.click(browser, By.id("activate-certificate"));
        AdminPages.click(browser, By.id("confirm-activate"));
        browser.feedback("HTTPS now serves CN=generated-ui.test");
        assertThat(servedFingerprint()).isEqualTo(staged);

        String instructions = AdminPages.text(browser, By.id("ca-instructions"));
        assertThat(instructions).contains("sudo mkdir -p /etc/docker/certs.d/" + berth.host()
                + " && sudo cp ca.crt /etc/docker/certs.d/" + berth.host() + "/ca.crt")
                .contains("--cert-dir");
        String pem = AdminPages.fetch(browser, browser.waitFor(By.id("ca-download")).getAttribute("href"));
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----");
        X509Certificate ca = new BouncyCastlePemCodec().certificates(pem).getFirst();
        served().verify(ca.getPublicKey());
        assertThat(ca.getSubjectX500Principal().getName()).startsWith("CN=Berth local CA");
        browser.screenshot("certificates-generated");
        browser.resize(420, 800);
        AdminPages.text(browser, By.id("served-fingerprint"));
        browser.screenshot("certificates-420");
    }

    @Test
    void aBadImportIsRefusedWithItsReason() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        browser.go("/admin/certificates");
        AdminPages.click(browser, By.id("tab-import"));
        browser.type(By.id("import-chain"), "not a certificate");
        AdminPages.click(browser, By.id("import-certificate"));
        assertThat(browser.feedback("no certificate found")).contains("BEGIN CERTIFICATE");
    }

    @Test
    void pemAndPkcs12FilesAreUploadedAndStagedAndAWrongPasswordIsRefusedAtItsField() throws Exception {
        Path files = Files.createDirectories(berth.work().resolve("uploads"));
        Foreign pem = Foreign.issue("pem-upload.test", "Upload CA");
        Path chainFile = Files.writeString(files.resolve("chain.pem"), pem.chainPem());
        Path keyFile = Files.writeString(files.resolve("server.key"), pem.keyPem());
        Foreign p12 = Foreign.issue("pkcs12-upload.test", "Upload CA");
        Path p12File = Files.write(files.resolve("server.p12"), p12.pkcs12("p12 secret"));

        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        browser.go("/admin/certificates");
        AdminPages.click(browser, By.id("tab-import"));
        browser.upload(By.id("import-files"), chainFile, keyFile);
        browser.until(d -> AdminPages.value(browser, By.id("import-key")).contains("BEGIN PRIVATE KEY")
                && AdminPages.value(browser, By.id("import-chain")).contains("BEGIN CERTIFICATE"));
        browser.screenshot("certificates-upload-pem");
        AdminPages.click(browser, By.id("import-certificate"));
        // waited for through the browser, whose time-out shows the page and its notices
        browser.waitForText(By.id("staged-fingerprint"), CertificateSummary.fingerprint(pem.leaf()));
        browser.feedback("Staged CN=pem-upload.test");

        AdminPages.click(browser, By.id("tab-pkcs12"));
        browser.upload(By.id("pkcs12-upload"), p12File);
        browser.waitForText(By.id("pkcs12-file"), "server.p12");
        browser.type(By.id("pkcs12-password"), "not the password");
        AdminPages.click(browser, By.id("pkcs12-import"));
        assertThat(browser.fieldError(By.id("pkcs12-password"), "Wrong password"))
                .isEqualTo("Wrong password for this PKCS#12 file");
        browser.screenshot("certificates-pkcs12-wrong-password");
        assertThat(AdminPages.text(browser, By.id("staged-fingerprint")))
                .isEqualTo(CertificateSummary.fingerprint(pem.leaf()));

        browser.type(By.id("pkcs12-password"), "p12 secret");
        AdminPages.click(browser, By.id("pkcs12-import"));
        browser.waitForText(By.id("staged-subject"), "CN=pkcs12-upload.test");
        browser.feedback("Staged CN=pkcs12-upload.test");
        assertThat(AdminPages.text(browser, By.id("staged-subject"))).isEqualTo("CN=pkcs12-upload.test");
        assertThat(AdminPages.text(browser, By.id("staged-fingerprint")))
                .isEqualTo(CertificateSummary.fingerprint(p12.leaf()));
        assertThat(browser.waitFor(By.id("pkcs12-password")).getDomAttribute("invalid")).as("error cleared").isNull();
    }

    @Test
    void aDiscardedStagedCertificateIsGoneAndTheServedOneStays() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        browser.go("/admin/certificates");
        String served = servedFingerprint();
        AdminPages.click(browser, By.id("tab-generate"));
        browser.type(By.id("generate-hostnames"), "discarded-ui.test");
        AdminPages.click(browser, By.id("generate-certificate"));
        browser.feedback("Staged a new certificate for DNS:discarded-ui.test");
        String staged = AdminPages.text(browser, By.id("staged-fingerprint"));

        AdminPages.click(browser, By.id("discard-certificate"));
        browser.waitFor(By.id("confirm-discard"));
        browser.screenshot("certificates-discard-confirmation");
        AdminPages.click(browser, By.id("confirm-discard"));
        browser.feedback("Discarded CN=discarded-ui.test (SHA-256 " + staged + ")");
        assertThat(AdminPages.text(browser, By.id("staged-none"))).startsWith("Nothing is staged");
        assertThat(browser.driver().findElements(By.id("staged-fingerprint"))).isEmpty();
        assertThat(AdminPages.text(browser, By.id("served-fingerprint"))).isEqualTo(served);
        assertThat(servedFingerprint()).isEqualTo(served);
        browser.go("/admin/audit?actor=" + AdminBerth.ADMIN);
        browser.waitForText(By.id("audit-grid"), "certificate-discard");
    }

    /** A server certificate and the CA that issued it, made here as a CA outside Berth would. */
    private record Foreign(KeyPair keys, X509Certificate leaf, X509Certificate ca) {

        static Foreign issue(String hostname, String caName) {
            BouncyCastleCertificateIssuer issuer = new BouncyCastleCertificateIssuer();
            Instant now = Instant.now();
            KeyPair caKeys = issuer.newKeyPair(CertificateIssuer.KeyType.EC_P256);
            X509Certificate ca = issuer.certificateAuthority(caKeys, caName, now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(30)));
            KeyPair keys = issuer.newKeyPair(CertificateIssuer.KeyType.EC_P256);
            X509Certificate leaf = issuer.serverCertificate(keys, hostname,
                    List.of(Hostname.parse(hostname), Hostname.parse("localhost"), Hostname.parse("127.0.0.1")),
                    now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(20)),
                    new CertificateIssuer.KeyedChain(caKeys.getPrivate(), List.of(ca)));
            return new Foreign(keys, leaf, ca);
        }

        String chainPem() {
            return new BouncyCastlePemCodec().encode(List.of(leaf, ca));
        }

        String keyPem() {
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }

        /** As {@code openssl pkcs12 -export} writes it: the key and its chain under one password. */
        byte[] pkcs12(String password) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", keys.getPrivate(), password.toCharArray(), new Certificate[]{leaf, ca});
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            store.store(file, password.toCharArray());
            return file.toByteArray();
        }
    }

    private static String servedFingerprint() throws Exception {
        return CertificateSummary.fingerprint(served());
    }

    /** The certificate a new TLS connection gets. */
    private static X509Certificate served() throws Exception {
        try (SSLSocket socket = (SSLSocket) AdminBerth.trustingAnything().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), berth.port())) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
