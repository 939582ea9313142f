package dev.berth.deploy.system;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Raw HTTP against the registry API, the way a client library would speak it, without following redirects. */
final class RegistryClient {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** As docker, containerd and other Go clients speak to a plain-HTTP registry: HTTP/1.1, no h2c upgrade. */
    private static final HttpClient HTTP_1_1 = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String base;
    private final HttpClient http;
    /** Sent with every request that brings no Authorization of its own. */
    private final String[] credentials;

    RegistryClient(BerthProcess berth) {
        this("http://127.0.0.1:" + berth.port(), HTTP);
    }

    private RegistryClient(String base, HttpClient http) {
        this(base, http, new String[0]);
    }

    private RegistryClient(String base, HttpClient http, String[] credentials) {
        this.base = base;
        this.http = http;
        this.credentials = credentials;
    }

    /** This client signed in with basic auth, as docker after docker login. */
    RegistryClient as(String user, String password) {
        return new RegistryClient(base, http, AuthBerth.basic(user, password));
    }

    /** Another registry (Distribution) on plain HTTP at {@code base} (http://host:port). */
    static RegistryClient at(String base) {
        return new RegistryClient(base, HTTP);
    }

    static RegistryClient http11(BerthProcess berth) {
        return new RegistryClient("http://127.0.0.1:" + berth.port(), HTTP_1_1);
    }

    /** A registry behind another server's HTTPS listener at {@code base} (https://host:port), trusted through {@code tls}. */
    static RegistryClient https(String base, SSLContext tls) {
        return new RegistryClient(base, HttpClient.newBuilder()
                .sslContext(tls)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build());
    }

    String base() {
        return base;
    }

    HttpResponse<byte[]> send(String method, String pathOrUrl, byte[] body, String... headers) {
        return exchange(method, pathOrUrl, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    /** A body of unknown length: sent with chunked transfer encoding, as docker streams layers. */
    HttpResponse<byte[]> sendStreamed(String method, String pathOrUrl, Supplier<InputStream> body, String... headers) {
        return exchange(method, pathOrUrl, HttpRequest.BodyPublishers.ofInputStream(body), headers);
    }

    private HttpResponse<byte[]> exchange(String method, String pathOrUrl, HttpRequest.BodyPublisher body, String... headers) {
        URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).method(method, body);
        boolean ownAuthorization = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            ownAuthorization |= headers[i].equalsIgnoreCase("Authorization");
        }
        if (!ownAuthorization && credentials.length == 2) {
            request.header(credentials[0], credentials[1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    HttpResponse<byte[]> head(String path, String... headers) {
        return send("HEAD", path, null, headers);
    }

    /** Uploads a blob in one request (POST ?digest=) and returns its digest. */
    String pushBlob(String repository, byte[] content) {
        return pushBlobAs(repository, content);
    }

    /** Uploads a blob in one request with these extra headers (credentials) and returns its digest. */
    String pushBlobAs(String repository, byte[] content, String... headers) {
        String digest = sha256(content);
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/octet-stream";
        System.arraycopy(headers, 0, all, 2, headers.length);
        HttpResponse<byte[]> response = send("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + digest, content,
                all);
        if (response.statusCode() != 201) {
            throw new AssertionError("blob push answered " + response.statusCode() + ": " + text(response));
        }
        return digest;
    }

    /**
     * Uploads a blob as docker does against any registry (Distribution has no one-request upload):
     * POST for an upload, then PUT ?digest= with the bytes. Returns its digest.
     */
    String uploadBlob(String repository, byte[] content) {
        HttpResponse<byte[]> started = send("POST", "/v2/" + repository + "/blobs/uploads/", null);
        if (started.statusCode() != 202) {
            throw new AssertionError("upload start answered " + started.statusCode() + ": " + text(started));
        }
        String location = header(started, "Location");
        String digest = sha256(content);
        HttpResponse<byte[]> done = send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                content, "Content-Type", "application/octet-stream");
        if (done.statusCode() != 201) {
            throw new AssertionError("blob upload answered " + done.statusCode() + ": " + text(done));
        }
        return digest;
    }

    /** PUTs a manifest under {@code reference} (a tag or its digest) and returns its digest. */
    String putManifest(String repository, String reference, String mediaType, byte[] manifest) {
        HttpResponse<byte[]> response = send("PUT", "/v2/" + repository + "/manifests/" + reference, manifest,
                "Content-Type", mediaType);
        if (response.statusCode() != 201) {
            throw new AssertionError("manifest PUT answered " + response.statusCode() + ": " + text(response));
        }
        return sha256(manifest);
    }

    /** TLS that trusts the certificate (a CA's or a self-signed server's) in the PEM file {@code certificate}, and nothing else. */
    static SSLContext trusting(Path certificate) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("trusted", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static String sha256(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}
