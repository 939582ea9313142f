package dev.berth.adapters.http.tls;

import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.CertificateIssuer.KeyType;
import dev.berth.application.tls.CertificatePasswordException;
import dev.berth.application.tls.CertificateRejectedException;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.CreateCertificateRequest;
import dev.berth.application.tls.DiscardStagedCertificate;
import dev.berth.application.tls.EnsureServedCertificate;
import dev.berth.application.tls.GenerateCertificate;
import dev.berth.application.tls.GetCaCertificate;
import dev.berth.application.tls.Hostname;
import dev.berth.application.tls.ImportCertificate;
import dev.berth.application.tls.ShowServedCertificate;
import dev.berth.application.tls.WarnCertificateExpiry;
import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.User;
import dev.berth.domain.error.DeniedException;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The certificate use cases on the real BouncyCastle adapter and files: PEM import, CSRs, SANs, activation. */
class CertificateUseCasesTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    @TempDir
    Path directory;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final BouncyCastleCertificateIssuer issuer = new BouncyCastleCertificateIssuer();
    private final BouncyCastlePemCodec pem = new BouncyCastlePemCodec();
    private final InMemoryUsers audit = new InMemoryUsers();
    private static final Caller ADMIN = new Caller(Optional.of(new User("root", true, true)), List.of(), Optional.empty());
    private static final Caller USER = new Caller(Optional.of(new User("dev", true, false)), List.of(), Optional.empty());

    private FileCertificateStore store() {
        return new FileCertificateStore(directory.resolve("tls"));
    }

    private static List<Hostname> names(String... names) {
        return Arrays.stream(names).map(Hostname::parse).toList();
    }

    @Test
    void managedModeMakesALocalCaAndAServerCertificateForTheHostnamesAndLoopback() throws Exception {
        FileCertificateStore store = store();
        CertificateSummary served = new EnsureServedCertificate(store, issuer, clock).ensure(names("registry.example", "10.0.0.7"));

        assertThat(served.subjectAlternativeNames()).containsExactly("DNS:registry.example", "IP:10.0.0.7",
                "DNS:localhost", "IP:127.0.0.1", "IP:0:0:0:0:0:0:0:1");
        assertThat(served.subject()).isEqualTo("CN=registry.example");
        assertThat(served.issuer()).startsWith("CN=Berth local CA");
        assertThat(served.daysLeft()).isEqualTo(397);
        X509Certificate leaf = store.served().orElseThrow().leaf();
        leaf.verify(store.authority().orElseThrow().leaf().getPublicKey());
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(Files.getPosixFilePermissions(store.directory().resolve("ca.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(new ShowServedCertificate(store, clock).chain()).containsExactly(served);
    }

    @Test
    void managedModeKeepsItsCertificateAcrossRestartsAndRenewsItNearTheEnd() {
        FileCertificateStore store = store();
        CertificateSummary first = new EnsureServedCertificate(store, issuer, clock).ensure(names("registry.example"));
        CertificateSummary again = new EnsureServedCertificate(store(), issuer, clock).ensure(names("registry.example"));
        assertThat(again.sha256Fingerprint()).isEqualTo(first.sha256Fingerprint());

        Clock later = Clock.fixed(NOW.plus(Duration.ofDays(380)), ZoneOffset.UTC);
        CertificateSummary renewed = new EnsureServedCertificate(store(), issuer, later).ensure(names("registry.example"));
        assertThat(renewed.sha256Fingerprint()).isNotEqualTo(first.sha256Fingerprint());
        assertThat(renewed.issuer()).isEqualTo(first.issuer());

        CertificateSummary newName = new EnsureServedCertificate(store(), issuer, later).ensure(names("other.example"));
        assertThat(newName.subjectAlternativeNames()).contains("DNS:other.example");
    }

    @Test
    void generatedCertificatesWaitUntilActivated() {
        FileCertificateStore store = store();
        new EnsureServedCertificate(store, issuer, clock).ensure(names("a.example"));
        String before = store.served().orElseThrow().leaf().getSerialNumber().toString();

        CertificateSummary staged = new GenerateCertificate(store, issuer, audit, clock).selfSigned(ADMIN, "test", names("b.example"));
        assertThat(staged.selfSigned()).isTrue();
        assertThat(store.served().orElseThrow().leaf().getSerialNumber().toString()).isEqualTo(before);

        CertificateSummary active = new ActivateCertificate(store, audit, clock).activate(ADMIN, "test");
        assertThat(active).isEqualTo(staged);
        assertThat(new ShowServedCertificate(store, clock).chain().getFirst().subjectAlternativeNames()).contains("DNS:b.example");
        assertThat(store.staged()).isEmpty();
        assertThatThrownBy(() -> new ActivateCertificate(store, audit, clock).activate(ADMIN, "test"))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("no certificate to activate");
    }

    @Test
    void theCaForClientsIsTheLocalCaOrTheSelfSignedCertificate() {
        FileCertificateStore store = store();
        new EnsureServedCertificate(store, issuer, clock).ensure(names("a.example"));
        String ca = new GetCaCertificate(store, pem).pem().orElseThrow();
        assertThat(pem.certificates(ca).getFirst()).isEqualTo(store.authority().orElseThrow().leaf());

        new GenerateCertificate(store, issuer, audit, clock).selfSigned(ADMIN, "test", names("b.example"));
        new ActivateCertificate(store, audit, clock).activate(ADMIN, "test");
        assertThat(pem.certificates(new GetCaCertificate(store, pem).pem().orElseThrow()).getFirst())
                .isEqualTo(store.served().orElseThrow().leaf());
    }

    @Test
    void importsPkcs8Pkcs1Sec1AndEncryptedKeys() throws Exception {
        for (TestPki.KeyFormat format : TestPki.KeyFormat.values()) {
            TestPki pki = TestPki.create(issuer, format.rsa(), clock);
            String keyPem = pki.keyPem(format, "s3cret pass");
            CertificateSummary imported = new ImportCertificate(store(), pem, audit, clock)
                    .importPem(ADMIN, "test", pki.chainPem(), keyPem, format.encrypted() ? "s3cret pass".toCharArray() : null);
            assertThat(imported.subjectAlternativeNames()).as(format.name()).contains("DNS:imported.example");
            assertThat(keyPem).as(format.name()).contains(format.pemType());
            assertThat(store().staged().orElseThrow().chain()).hasSize(2);
        }
    }

    @Test
    void refusesAMismatchedKeyAWrongPassphraseAndAChainOutOfOrder() throws Exception {
        TestPki pki = TestPki.create(issuer, false, clock);
        TestPki other = TestPki.create(issuer, false, clock);
        ImportCertificate importer = new ImportCertificate(store(), pem, audit, clock);

        assertThatThrownBy(() -> importer.importPem(ADMIN, "test", pki.chainPem(), other.keyPem(TestPki.KeyFormat.PKCS8, null), null))
                .isInstanceOf(CertificateRejectedException.class).hasMessage("the private key does not belong to the certificate");
        String encrypted = pki.keyPem(TestPki.KeyFormat.PKCS8_ENCRYPTED, "right");
        assertThatThrownBy(() -> importer.importPem(ADMIN, "test", pki.chainPem(), encrypted, "wrong".toCharArray()))
                .isInstanceOf(CertificatePasswordException.class).hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> importer.importPem(ADMIN, "test", pki.chainPem(), encrypted, null))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("give its passphrase");
        assertThatThrownBy(() -> importer.importPem(ADMIN, "test", pki.reversedChainPem(), pki.keyPem(TestPki.KeyFormat.PKCS8, null), null))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("put the server certificate first");
        assertThatThrownBy(() -> importer.importPem(ADMIN, "test", "not pem", pki.keyPem(TestPki.KeyFormat.PKCS8, null), null))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("no certificate found");
        assertThatThrownBy(() -> importer.importPem(ADMIN, "test", pki.chainPem(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", null))
                .isInstanceOf(CertificateRejectedException.class);
        assertThat(store().staged()).isEmpty();
    }

    @Test
    void importsAPkcs12FileAndRefusesAWrongPasswordAsAPasswordProblem() throws Exception {
        TestPki pki = TestPki.create(issuer, true, clock);
        byte[] file = pki.pkcs12("p12 secret");
        ImportCertificate importer = new ImportCertificate(store(), pem, audit, clock);

        assertThatThrownBy(() -> importer.importPkcs12(ADMIN, "test", file, "wrong".toCharArray()))
                .isInstanceOf(CertificatePasswordException.class).hasMessage("wrong password for this PKCS#12 file");
        assertThatThrownBy(() -> importer.importPkcs12(ADMIN, "test", "not pkcs12".getBytes(), null))
                .isInstanceOf(CertificateRejectedException.class).isNotInstanceOf(CertificatePasswordException.class)
                .hasMessageContaining("not a readable PKCS#12 file");
        assertThat(store().staged()).isEmpty();

        CertificateSummary imported = importer.importPkcs12(ADMIN, "test", file, "p12 secret".toCharArray());
        assertThat(imported.subject()).isEqualTo("CN=imported.example");
        assertThat(imported.sha256Fingerprint()).isEqualTo(CertificateSummary.fingerprint(pki.server()));
        assertThat(store().staged().orElseThrow().chain()).hasSize(2);
        assertThat(audit.events).extracting(AuditLog.Event::action, AuditLog.Event::success).containsExactly(
                org.assertj.core.groups.Tuple.tuple("certificate-import", false),
                org.assertj.core.groups.Tuple.tuple("certificate-import", false),
                org.assertj.core.groups.Tuple.tuple("certificate-import", true));
    }

    @Test
    void discardingTheStagedCertificateLeavesTheServedOneAndIsAudited() {
        FileCertificateStore store = store();
        new EnsureServedCertificate(store, issuer, clock).ensure(names("a.example"));
        String served = store.served().orElseThrow().leaf().getSerialNumber().toString();
        CertificateSummary staged = new GenerateCertificate(store, issuer, audit, clock).selfSigned(ADMIN, "test", names("b.example"));
        DiscardStagedCertificate discard = new DiscardStagedCertificate(store, audit, clock);
        assertThatThrownBy(() -> discard.discard(USER, "test")).isInstanceOf(DeniedException.class);

        assertThat(discard.discard(ADMIN, "test")).isEqualTo(staged);
        assertThat(store().staged()).isEmpty();
        assertThat(store().served().orElseThrow().leaf().getSerialNumber().toString()).isEqualTo(served);
        assertThatThrownBy(() -> discard.discard(ADMIN, "test"))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("nothing is staged");
        assertThat(audit.events.subList(1, 3)).extracting(AuditLog.Event::action, AuditLog.Event::success, AuditLog.Event::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("certificate-discard", true, staged.auditDetail()),
                        org.assertj.core.groups.Tuple.tuple("certificate-discard", false, "nothing staged"));
    }

    @Test
    void acceptsALoneSelfSignedCertificateThatSaysCaAsOpensslReqMakesIt() {
        KeyPair keys = issuer.newKeyPair(KeyType.EC_P256);
        X509Certificate selfSigned = issuer.certificateAuthority(keys, "registry.example", NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)));
        CertificateSummary imported = new ImportCertificate(store(), pem, audit, clock).importPem(ADMIN, "test", pem.encode(List.of(selfSigned)),
                BouncyCastlePemCodec.encodeKey(keys.getPrivate()), null);
        assertThat(imported.selfSigned()).isTrue();
    }

    @Test
    void refusesAnExpiredCertificate() throws Exception {
        TestPki pki = TestPki.create(issuer, false, clock);
        Clock later = Clock.fixed(NOW.plus(Duration.ofDays(400)), ZoneOffset.UTC);
        assertThatThrownBy(() -> new ImportCertificate(store(), pem, audit, later)
                .importPem(ADMIN, "test", pki.chainPem(), pki.keyPem(TestPki.KeyFormat.PKCS8, null), null))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("expired");
    }

    @Test
    void aCertificateRequestCarriesTheNamesAndItsAnswerPairsWithTheKeptKey() throws Exception {
        FileCertificateStore store = store();
        String csrPem = new CreateCertificateRequest(store, issuer, audit, clock).create(ADMIN, "test", names("registry.corp.example", "10.1.2.3"), KeyType.RSA_3072);

        assertThat(csrPem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        PKCS10CertificationRequest csr = (PKCS10CertificationRequest) new PEMParser(new StringReader(csrPem)).readObject();
        assertThat(csr.getSubject().toString()).isEqualTo("CN=registry.corp.example");
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))).isTrue();
        Extensions requested = Extensions.getInstance(
                csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0].getAttrValues().getObjectAt(0));
        GeneralName[] sans = GeneralNames.fromExtensions(requested, Extension.subjectAlternativeName).getNames();
        assertThat(Arrays.stream(sans).map(GeneralName::toString))
                .containsExactly("2: registry.corp.example", "7: #0a010203");

        // the corporate CA answers with a certificate for the request's key; no key travels back
        KeyPair kept = store.requestKeys().orElseThrow();
        assertThat(kept.getPublic().getAlgorithm()).isEqualTo("RSA");
        TestPki corporate = TestPki.forKey(issuer, kept, clock);
        CertificateSummary imported = new ImportCertificate(store, pem, audit, clock).importPem(ADMIN, "test", corporate.chainPem(), "", null);
        assertThat(imported.subject()).isEqualTo("CN=imported.example");
        assertThat(store.requestKeys()).isEmpty();
    }

    @Test
    void onlyAdminsManageCertificatesAndEveryChangeIsAuditedWithoutKeyMaterial() throws Exception {
        FileCertificateStore store = store();
        TestPki pki = TestPki.create(issuer, false, clock);
        String keyPem = pki.keyPem(TestPki.KeyFormat.PKCS8, null);
        assertThatThrownBy(() -> new GenerateCertificate(store, issuer, audit, clock).selfSigned(USER, "10.0.0.9",
                names("x.example"))).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> new CreateCertificateRequest(store, issuer, audit, clock).create(USER, "10.0.0.9",
                names("x.example"), KeyType.EC_P256)).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> new ImportCertificate(store, pem, audit, clock).importPem(USER, "10.0.0.9",
                pki.chainPem(), keyPem, null)).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> new ActivateCertificate(store, audit, clock).activate(USER, "10.0.0.9"))
                .isInstanceOf(DeniedException.class);
        assertThat(store.staged()).isEmpty();
        assertThat(store.requestKeys()).isEmpty();

        new CreateCertificateRequest(store, issuer, audit, clock).create(ADMIN, "10.0.0.1", names("csr.example"),
                KeyType.EC_P256);
        CertificateSummary generated = new GenerateCertificate(store, issuer, audit, clock)
                .signedByLocalAuthority(ADMIN, "10.0.0.1", names("gen.example"));
        assertThatThrownBy(() -> new ImportCertificate(store, pem, audit, clock).importPem(ADMIN, "10.0.0.1",
                pki.chainPem(), TestPki.create(issuer, false, clock).keyPem(TestPki.KeyFormat.PKCS8, null), null))
                .isInstanceOf(CertificateRejectedException.class);
        CertificateSummary imported = new ImportCertificate(store, pem, audit, clock).importPem(ADMIN, "10.0.0.1",
                pki.chainPem(), keyPem, null);
        CertificateSummary active = new ActivateCertificate(store, audit, clock).activate(ADMIN, "10.0.0.1");
        assertThat(active).isEqualTo(imported);

        assertThat(audit.events).extracting(AuditLog.Event::action, AuditLog.Event::success).containsExactly(
                org.assertj.core.groups.Tuple.tuple("certificate-request", true),
                org.assertj.core.groups.Tuple.tuple("certificate-generate", true),
                org.assertj.core.groups.Tuple.tuple("certificate-import", false),
                org.assertj.core.groups.Tuple.tuple("certificate-import", true),
                org.assertj.core.groups.Tuple.tuple("certificate-activate", true));
        assertThat(audit.events).allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo("root");
            assertThat(e.address()).isEqualTo("10.0.0.1");
            assertThat(e.detail()).doesNotContain("PRIVATE KEY").doesNotContain(keyPem.lines().skip(1).findFirst().orElseThrow());
        });
        assertThat(audit.events.get(1).detail()).contains(generated.subject()).contains(generated.sha256Fingerprint());
        assertThat(audit.events.get(4).detail()).isEqualTo(imported.subject() + " SHA-256 " + imported.sha256Fingerprint());
        assertThat(audit.events.getFirst().detail()).contains("csr.example");
    }

    @Test
    void hostnamesAreDnsNamesOrIpAddresses() {
        assertThat(Hostname.parse("Registry.Example").value()).isEqualTo("registry.example");
        assertThat(Hostname.parse("[::1]")).isEqualTo(new Hostname("0:0:0:0:0:0:0:1", true));
        assertThat(Hostname.parse("fe80::0a:1")).isEqualTo(new Hostname("fe80:0:0:0:0:0:a:1", true));
        assertThat(Hostname.parse("*.corp.example").ipAddress()).isFalse();
        for (String bad : List.of("", "under_score.example", "-lead.example", "1:2:3", "a b", "300.1.1.1.1:x")) {
            assertThatThrownBy(() -> Hostname.parse(bad)).as(bad).isInstanceOf(CertificateRejectedException.class);
        }
    }

    @Test
    void warnsWhenTheServedCertificateNearsItsEnd() {
        FileCertificateStore store = store();
        new EnsureServedCertificate(store, issuer, clock).ensure(names("a.example"));
        assertThat(new WarnCertificateExpiry(store, clock).check()).isEmpty();
        assertThat(new WarnCertificateExpiry(store, Clock.fixed(NOW.plus(Duration.ofDays(380)), ZoneOffset.UTC)).check())
                .get().asString().contains("expires in 17 days");
        assertThat(new WarnCertificateExpiry(store, Clock.fixed(NOW.plus(Duration.ofDays(400)), ZoneOffset.UTC)).check())
                .get().asString().contains("EXPIRED");
    }
}
