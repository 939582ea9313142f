package dev.berth.adapters.db;

import dev.berth.application.tls.CertificateIssuer.KeyedChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster's TLS certificates on a real PostgreSQL (issue 19): each role stored and read back, the
 * private keys sealed at rest, every node told of a change, and one node at a time in
 * {@code exclusively}. The keys and certificates are made by the JDK's keytool for the run.
 */
class PostgresCertificateStoreTest {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();
    private static MetadataDatabase otherNode;
    private PostgresCertificateStore store;

    private static final KeyedChain AUTHORITY = keytool("Test CA");
    private static final KeyedChain SERVER;

    static {
        KeyedChain server = keytool("registry.test");
        // leaf first, then another certificate: the store keeps a chain's order, it does not check it
        SERVER = new KeyedChain(server.key(), List.of(server.leaf(), AUTHORITY.leaf()));
    }

    @BeforeEach
    void empty() throws SQLException {
        sql("DELETE FROM tls_certificate");
        store = new PostgresCertificateStore(postgres.database());
    }

    @AfterAll
    static void closeOtherNode() {
        if (otherNode != null) {
            otherNode.close();
        }
    }

    @Test
    void eachRoleIsStoredReadBackReplacedAndCleared() {
        assertThat(store.authority()).isEmpty();
        assertThat(store.served()).isEmpty();
        assertThat(store.staged()).isEmpty();
        assertThat(store.requestKeys()).isEmpty();

        store.saveAuthority(AUTHORITY);
        store.serve(SERVER);
        store.stage(AUTHORITY);
        KeyPair request = new KeyPair(SERVER.leaf().getPublicKey(), SERVER.key());
        store.saveRequestKeys(request);

        assertSame(store.authority().orElseThrow(), AUTHORITY);
        assertSame(store.served().orElseThrow(), SERVER);
        assertThat(store.served().orElseThrow().chain()).as("leaf first, then its issuer").hasSize(2);
        assertSame(store.staged().orElseThrow(), AUTHORITY);
        assertThat(store.requestKeys().orElseThrow().getPrivate().getEncoded()).isEqualTo(SERVER.key().getEncoded());
        assertThat(store.requestKeys().orElseThrow().getPublic().getEncoded())
                .isEqualTo(SERVER.leaf().getPublicKey().getEncoded());

        store.serve(AUTHORITY);
        assertSame(store.served().orElseThrow(), AUTHORITY);
        store.clearStaged();
        store.clearRequestKeys();
        assertThat(store.staged()).isEmpty();
        assertThat(store.requestKeys()).isEmpty();
    }

    @Test
    void thePrivateKeysAreSealedAtRestAndOpenOnlyWithTheSecretsKey() throws SQLException {
        store.saveAuthority(AUTHORITY);
        store.serve(SERVER);
        store.saveRequestKeys(new KeyPair(SERVER.leaf().getPublicKey(), SERVER.key()));

        String dump = dump();
        for (PrivateKey key : List.of(AUTHORITY.key(), SERVER.key())) {
            byte[] pkcs8 = key.getEncoded();
            // the private value alone too: the 32 bytes that are the key, whatever encoding wraps them
            String secret = String.format("%064x", ((ECPrivateKey) key).getS());
            assertThat(dump).doesNotContain(HexFormat.of().formatHex(pkcs8))
                    .doesNotContain(Base64.getEncoder().encodeToString(pkcs8))
                    .doesNotContain(secret);
        }
        // certificates are public: an operator can read them with psql
        assertThat(dump).contains("-----BEGIN CERTIFICATE-----");

        MetadataDatabase otherKey = postgres.openWith(SecretBox.ofBase64(SecretBox.newKey()));
        try {
            assertThatThrownBy(() -> new PostgresCertificateStore(otherKey).served())
                    .isInstanceOf(SecretBox.Unreadable.class).hasMessageContaining("tls_certificate.private_key role=served");
        } finally {
            otherKey.close();
        }
        // a sealed key moved to another role does not open there
        sql("UPDATE tls_certificate SET private_key = (SELECT private_key FROM tls_certificate WHERE role = 'authority')"
                + " WHERE role = 'served'");
        assertThatThrownBy(() -> store.served()).isInstanceOf(SecretBox.Unreadable.class);
    }

    @Test
    void anotherNodeHearsEveryChangeOnceItCommitsAndReadsTheSameCertificate() throws Exception {
        otherNode = postgres.openWith(postgres.database().secrets());
        Semaphore heard = new Semaphore(0);
        PostgresCertificateStore there = new PostgresCertificateStore(otherNode);
        there.onChange(heard::release);
        otherNode.listenForChanges();

        store.serve(SERVER);
        assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("a certificate served").isTrue();
        assertSame(there.served().orElseThrow(), SERVER);
        store.stage(AUTHORITY);
        assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("a certificate staged").isTrue();
        store.clearStaged();
        assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("the staged one discarded").isTrue();
        assertThat(there.staged()).isEmpty();
    }

    @Test
    void oneNodeAtATimeWorksExclusivelyAndTheNextSeesWhatItWrote() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        // two threads of their own: the common pool may have only one on a small machine
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = nodes.submit(() -> store.exclusively(() -> {
                inside.countDown();
                await(leave);
                store.serve(SERVER);
                return null;
            }));
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Boolean> second = nodes.submit(() -> store.exclusively(() -> store.served().isPresent()));
            // the second waits on the advisory lock (PostgreSQL says so), not somewhere else
            awaitWaitingForAdvisoryLock();
            assertThat(second).isNotDone();
            leave.countDown();
            first.get(30, TimeUnit.SECONDS);
            assertThat(second.get(30, TimeUnit.SECONDS)).as("the second found the first one's certificate").isTrue();
        } finally {
            leave.countDown();
            nodes.shutdownNow();
        }
    }

    private static void awaitWaitingForAdvisoryLock() throws SQLException, InterruptedException {
        for (int i = 0; i < 600; i++) {
            try (Connection c = postgres.database().dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nobody waits for the advisory lock");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertSame(KeyedChain read, KeyedChain written) {
        assertThat(read.chain()).isEqualTo(written.chain());
        assertThat(read.key().getEncoded()).isEqualTo(written.key().getEncoded());
    }

    /** Everything the table holds, as text: what a dump shows. */
    private static String dump() throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Connection c = postgres.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT role, key_algorithm, encode(private_key, 'hex'), chain,"
                     + " encode(public_key, 'hex'), encode(private_key, 'base64') FROM tls_certificate")) {
            while (rs.next()) {
                for (int i = 1; i <= 6; i++) {
                    all.append(rs.getString(i)).append('\n');
                }
            }
        }
        return all.toString();
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = postgres.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
            c.commit();
        }
    }

    /** A fresh EC P-256 key pair with its self-signed certificate, from the JDK's keytool. */
    private static KeyedChain keytool(String commonName) {
        try {
            Path directory = Files.createTempDirectory("berth-certificates-");
            Path file = directory.resolve("keys.p12");
            try {
                Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "k", "-dname",
                        "CN=" + commonName, "-validity", "3650", "-storetype", "PKCS12", "-keystore", file.toString(),
                        "-storepass", "password").redirectErrorStream(true).start();
                String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(keytool.waitFor()).as(output).isZero();
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, "password".toCharArray());
                }
                return new KeyedChain((PrivateKey) store.getKey("k", "password".toCharArray()),
                        List.of((X509Certificate) store.getCertificate("k")));
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
