package dev.berth.adapters.http.tls;

import dev.berth.application.access.Administration;
import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.AdoptSharedCertificates;
import dev.berth.application.tls.CertificateStore;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.EnsureServedCertificate;
import dev.berth.application.tls.GenerateCertificate;
import dev.berth.application.tls.Hostname;
import dev.berth.application.tls.ImportCertificate;
import dev.berth.application.tls.MirroredCertificateStore;
import dev.berth.application.tls.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19: the nodes of a cluster serve one set of certificates. Each node is a directory of files
 * (what its HTTPS listener follows) made before boot as berth.jar's launcher makes them; the cluster's
 * store is an in-memory fake of PostgreSQL's ({@link InMemorySharedCertificates}).
 */
class AdoptSharedCertificatesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final List<Hostname> NAMES = List.of(Hostname.parse("registry.example"));
    private static final TlsSettings MANAGED = new TlsSettings(true, true, Optional.empty(), List.of("registry.example"));

    @TempDir
    Path directory;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final BouncyCastleCertificateIssuer issuer = new BouncyCastleCertificateIssuer();
    private final InMemorySharedCertificates cluster = new InMemorySharedCertificates();

    /** A node's files after the launcher's managed start-up: a CA and a certificate of its own. */
    private FileCertificateStore bootedNode(String name, Clock at) {
        FileCertificateStore files = new FileCertificateStore(directory.resolve(name));
        new EnsureServedCertificate(files, issuer, at).ensure(NAMES);
        return files;
    }

    private AdoptSharedCertificates adoption(CertificateStore files, Clock at) {
        return new AdoptSharedCertificates(cluster, files, issuer, at);
    }

    private static String fingerprint(CertificateStore store) {
        return CertificateSummary.fingerprint(store.served().orElseThrow().leaf());
    }

    private static String caFingerprint(CertificateStore store) {
        return CertificateSummary.fingerprint(store.authority().orElseThrow().leaf());
    }

    @Test
    void theFirstNodePublishesItsFilesAndTheNextAdoptsThemIntoItsOwn() {
        FileCertificateStore a = bootedNode("a", clock);
        String aServed = fingerprint(a);
        FileCertificateStore b = bootedNode("b", clock);
        assertThat(caFingerprint(b)).as("before: each node made its own CA").isNotEqualTo(caFingerprint(a));

        AdoptSharedCertificates onA = adoption(a, clock);
        assertThat(onA.adopted()).isFalse();
        assertThat(onA.atStart(MANAGED, NAMES)).contains("published the local CA, the served certificate");
        assertThat(onA.adopted()).isTrue();
        // an upgraded single node keeps serving the certificate its clients know
        assertThat(fingerprint(a)).isEqualTo(aServed);
        assertThat(fingerprint(cluster)).isEqualTo(aServed);

        assertThat(adoption(b, clock).atStart(MANAGED, NAMES)).contains("adopted");
        // B's files (and so its listener) now hold A's CA and certificate: the CA clients trust verifies both nodes
        FileCertificateStore bAgain = new FileCertificateStore(directory.resolve("b"));
        assertThat(caFingerprint(bAgain)).isEqualTo(caFingerprint(a));
        assertThat(fingerprint(bAgain)).isEqualTo(aServed);
        assertThat(cluster.servedWrites()).isEqualTo(1);
    }

    @Test
    void nodesStartingAtOnceAgreeOnOneSet() throws Exception {
        int nodes = 4;
        List<FileCertificateStore> files = new java.util.ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            files.add(bootedNode("node-" + i, clock));
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> starts = new java.util.ArrayList<>();
            for (FileCertificateStore node : files) {
                Callable<String> start = () -> {
                    go.await();
                    return adoption(node, clock).atStart(MANAGED, NAMES);
                };
                starts.add(pool.submit(start));
            }
            go.countDown();
            List<String> outcomes = new java.util.ArrayList<>();
            for (Future<String> start : starts) {
                outcomes.add(start.get(1, TimeUnit.MINUTES));
            }
            assertThat(outcomes).filteredOn(o -> o.startsWith("published")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        for (FileCertificateStore node : files) {
            assertThat(fingerprint(node)).isEqualTo(fingerprint(cluster));
            assertThat(caFingerprint(node)).isEqualTo(caFingerprint(cluster));
        }
        assertThat(cluster.servedWrites()).isEqualTo(1);
    }

    @Test
    void aCertificateNearItsEndIsRenewedOnceAcrossTheClusterAndEveryNodeServesTheRenewal() {
        FileCertificateStore a = bootedNode("a", clock);
        adoption(a, clock).atStart(MANAGED, NAMES);
        String old = fingerprint(cluster);
        FileCertificateStore b = new FileCertificateStore(directory.resolve("b"));
        adoption(b, clock).atStart(MANAGED, NAMES);

        // 380 days on, both nodes restart; each launcher renewed its own files before boot
        Clock later = Clock.fixed(NOW.plus(Duration.ofDays(380)), ZoneOffset.UTC);
        new EnsureServedCertificate(a, issuer, later).ensure(NAMES);
        new EnsureServedCertificate(b, issuer, later).ensure(NAMES);
        adoption(a, later).atStart(MANAGED, NAMES);
        adoption(b, later).atStart(MANAGED, NAMES);

        assertThat(cluster.servedWrites()).as("published once, renewed once").isEqualTo(2);
        assertThat(fingerprint(cluster)).isNotEqualTo(old);
        assertThat(fingerprint(a)).isEqualTo(fingerprint(cluster));
        assertThat(fingerprint(b)).isEqualTo(fingerprint(cluster));
        // the daily check finds nothing due any more, on either node
        adoption(a, later).renewIfDue(NAMES);
        adoption(b, later).renewIfDue(NAMES);
        assertThat(cluster.servedWrites()).isEqualTo(2);
    }

    @Test
    void aCertificateActivatedOnOneNodeIsServedByTheOtherOnceItHearsOfIt() {
        FileCertificateStore a = bootedNode("a", clock);
        adoption(a, clock).atStart(MANAGED, NAMES);
        FileCertificateStore b = bootedNode("b", clock);
        AdoptSharedCertificates onB = adoption(b, clock);
        onB.atStart(MANAGED, NAMES);
        cluster.onChange(onB::follow);

        // what the admin UI on node A does: its store is the cluster's, mirrored to A's files
        MirroredCertificateStore adminOnA = new MirroredCertificateStore(cluster, a);
        new GenerateCertificate(adminOnA, issuer, new LoggedAuditLog(), clock).signedByLocalAuthority(
                Administration.SYSTEM, Administration.LOCAL, List.of(Hostname.parse("switched.example")));
        assertThat(b.staged()).as("staged: every node shows it").isPresent();
        CertificateSummary activated = new ActivateCertificate(adminOnA, new LoggedAuditLog(), clock)
                .activate(Administration.SYSTEM, Administration.LOCAL);

        assertThat(fingerprint(a)).isEqualTo(activated.sha256Fingerprint());
        assertThat(fingerprint(b)).isEqualTo(activated.sha256Fingerprint());
        assertThat(b.staged()).isEmpty();
        assertThat(caFingerprint(b)).isEqualTo(caFingerprint(a));
    }

    @Test
    void aStagedCertificateDiscardedMeanwhileDoesNotComeBackFromANodesOldFiles() {
        FileCertificateStore a = bootedNode("a", clock);
        adoption(a, clock).atStart(MANAGED, NAMES);
        FileCertificateStore b = bootedNode("b", clock);
        new GenerateCertificate(b, issuer, new LoggedAuditLog(), clock).selfSigned(Administration.SYSTEM,
                Administration.LOCAL, NAMES);

        adoption(b, clock).atStart(MANAGED, NAMES);

        assertThat(cluster.staged()).isEmpty();
        assertThat(b.staged()).isEmpty();
    }

    @Test
    void theConfiguredCertificateIsPublishedAtEveryStartOverTheClusters() {
        FileCertificateStore a = bootedNode("a", clock);
        adoption(a, clock).atStart(MANAGED, NAMES);
        // node B serves http.tls.certificate: the launcher imported and activated the files before boot
        FileCertificateStore b = new FileCertificateStore(directory.resolve("b"));
        FileCertificateStore elsewhere = bootedNode("elsewhere", clock);
        new ImportCertificate(b, new BouncyCastlePemCodec(), new LoggedAuditLog(), clock).importPem(Administration.SYSTEM,
                Administration.LOCAL, new BouncyCastlePemCodec().encode(elsewhere.served().orElseThrow().chain()),
                BouncyCastlePemCodec.encodeKey(elsewhere.served().orElseThrow().key()), null);
        new ActivateCertificate(b, new LoggedAuditLog(), clock).activate(Administration.SYSTEM, Administration.LOCAL);
        String configured = fingerprint(b);

        adoption(b, clock).atStart(new TlsSettings(true, false, Optional.of("/etc/berth/registry.crt"), List.of()), NAMES);

        assertThat(fingerprint(cluster)).isEqualTo(configured);
        assertThat(fingerprint(b)).isEqualTo(configured);
        adoption(a, clock).follow();
        assertThat(fingerprint(a)).isEqualTo(configured);
    }

    @Test
    void followingWritesOnlyWhatChanged() throws Exception {
        FileCertificateStore a = bootedNode("a", clock);
        AdoptSharedCertificates onA = adoption(a, clock);
        onA.atStart(MANAGED, NAMES);
        var before = java.nio.file.Files.getLastModifiedTime(a.servedFile());
        var inode = java.nio.file.Files.readAttributes(a.servedFile(), java.nio.file.attribute.BasicFileAttributes.class)
                .fileKey();

        onA.follow();

        // the listener reloads on a changed file: an unchanged certificate must not look changed
        assertThat(java.nio.file.Files.getLastModifiedTime(a.servedFile())).isEqualTo(before);
        assertThat(java.nio.file.Files.readAttributes(a.servedFile(),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey()).isEqualTo(inode);
    }
}
