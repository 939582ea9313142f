package dev.berth.deploy.launcher;

// compile-time constants only: javac inlines them, so the launcher never loads these classes
import dev.berth.adapters.http.tls.ReloadingKeyManagerProvider;
import dev.berth.adapters.http.tls.ServedKeyStore;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigException;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * HTTPS on {@code http.addr}, set up before Payara boots: the certificate use cases run (the
 * operator's PEM files imported, or Berth's managed certificate made or renewed), and Payara's
 * HTTPS listener is told to take its key manager from Berth's provider, which follows the served
 * key store file: activating another certificate later needs no restart.
 *
 * <p>The use cases and BouncyCastle run from the WAR's own jars in a class loader of their own: on
 * Payara Micro's class path (MICRO-INF/lib) they would shadow the WAR's copies, since the WAR's
 * class loader asks its parent first. Only JDK types cross between the two.
 */
final class HttpsSetup {

    /** TLS 1.3's suites, then TLS 1.2 with forward secrecy and AEAD only. */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    /** The jars of the WAR that the certificate use cases need. */
    private static final List<String> JARS = List.of("berth-domain-", "berth-application-", "berth-adapters-http-",
            "bcprov-jdk18on-", "bcpkix-jdk18on-", "bcutil-jdk18on-");
    private static final String BOOTSTRAP = "dev.berth.adapters.http.tls.TlsBootstrap";
    /** Payara accepts only the key store types JKS and NSS; the JDK's JKS type reads PKCS#12 files too. */
    private static final String KEY_STORE_TYPE = "JKS";
    private static final String SSL = "set configs.config.server-config.network-config.protocols.protocol.https-listener.ssl.";
    private static final String LISTENER = "set configs.config.server-config.network-config.network-listeners.network-listener.";
    private static final String HTTP = "set configs.config.server-config.network-config.protocols.protocol.https-listener.http.";

    private HttpsSetup() {
    }

    /** @return the served key store; throws {@link ConfigException} naming the key when no certificate can be served */
    static Path prepare(BerthConfig.Tls tls, Path application) throws IOException {
        ClassLoader loader = isolatedLoader(application);
        try {
            Class<?> bootstrap = Class.forName(BOOTSTRAP, true, loader);
            String summary = (String) bootstrap.getMethod("prepare", String.class, String.class, String.class,
                            String.class, List.class)
                    .invoke(null, tls.directory().toString(), tls.certificate().map(Path::toString).orElse(null),
                            tls.key().map(Path::toString).orElse(null), tls.keyPassphrase(), tls.hostnames());
            System.err.println("berth: " + summary);
            return Path.of((String) bootstrap.getMethod("servedFile", String.class).invoke(null, tls.directory().toString()));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException problem) {
                throw new ConfigException(List.of(problem.getMessage()));
            }
            throw new IllegalStateException("setting up TLS failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("berth.jar lacks " + BOOTSTRAP, e);
        }
    }

    /** The WAR's jars the certificate use cases need, behind a loader whose parent is the JDK's. */
    private static ClassLoader isolatedLoader(Path application) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(application.resolve(ApplicationClasses.LIB))) {
            for (Path jar : jars.sorted().toList()) {
                String file = jar.getFileName().toString();
                if (file.endsWith(".jar") && JARS.stream().anyMatch(file::startsWith)) {
                    urls.add(jar.toUri().toURL());
                }
            }
        }
        if (urls.size() != JARS.size()) {
            throw new IOException("berth.jar's WAR lacks some of " + JARS + "; found " + urls);
        }
        // lives as long as the JVM: Payara's listener uses the key manager provider it loads
        return new URLClassLoader("berth-tls", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /**
     * Payara Micro's HTTPS listener on Berth's address instead of the plain one, speaking HTTP/1.1 only: Grizzly's
     * HTTP/2 broke a Chromium navigation with ERR_HTTP2_PROTOCOL_ERROR in our tests (Payara issue 7203 is another
     * such report); docker and other Go clients speak HTTP/1.1 to a plain-HTTP registry anyway.
     */
    static String preBootCommands(BerthConfig config, Path servedFile) {
        boolean tls12 = config.tls().minimumTls().equals("tls1.2");
        return LISTENER + "http-listener.enabled=false\n"
                + LISTENER + "https-listener.enabled=true\n"
                + LISTENER + "https-listener.address=" + config.http().bindAddress() + "\n"
                + LISTENER + "https-listener.port=" + config.http().port() + "\n"
                + HTTP + "http2-enabled=false\n"
                + SSL + "key-store=" + servedFile + "\n"
                + SSL + "key-store-type=" + KEY_STORE_TYPE + "\n"
                + SSL + "key-store-password=" + ServedKeyStore.PASSWORD + "\n"
                + SSL + "cert-nickname=" + ServedKeyStore.ALIAS + "\n"
                + SSL + "key-algorithm=" + ReloadingKeyManagerProvider.ALGORITHM + "\n"
                + SSL + "tls12-enabled=" + tls12 + "\n"
                + SSL + "tls13-enabled=true\n"
                + SSL + "ssl3-tls-ciphers=" + String.join(",", CIPHER_SUITES.stream().map(c -> "+" + c).toList()) + "\n";
    }
}
