package dev.berth.adapters.http.upstream;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.berth.adapters.http.tls.TrustedAuthorities;
import dev.berth.application.port.UpstreamRegistry;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.TagInvalidException;
import dev.berth.domain.manifest.MediaType;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upstream registry of a pull-through cache over the JDK's HTTP client. Asks without credentials
 * first and answers the upstream's challenge: basic auth with the configured user, or a bearer token
 * fetched from the realm the challenge names (the Docker token spec), kept per scope until shortly
 * before it expires. Redirects (a blob on a CDN) are followed by hand so that the credentials never
 * go to another host.
 */
public final class HttpUpstreamRegistry implements UpstreamRegistry, AutoCloseable {

    private static final String MANIFEST_TYPES = String.join(", ", MediaType.OCI_INDEX_V1.toString(),
            MediaType.OCI_MANIFEST_V1.toString(), MediaType.DOCKER_MANIFEST_LIST_V2.toString(),
            MediaType.DOCKER_MANIFEST_V2.toString());
    /** Registries answer manifests up to 4 MiB; more is never read into memory. */
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_REDIRECTS = 5;
    /** A token is renewed this long before the upstream says it expires. */
    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(10);
    private static final int TAGS_PER_PAGE = 1000;
    private static final int MAX_TAG_PAGES = 100;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern CHALLENGE_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final URI base;
    private final Optional<String> basicCredentials;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    /** The upstream challenged for basic auth once: credentials go with every request from then on. */
    private volatile boolean basicChallenged;

    /**
     * @param base     the upstream's URL, e.g. https://registry-1.docker.io
     * @param username empty for anonymous pulls
     * @param caBundle PEM certificates of authorities trusted for the upstream's HTTPS besides the JVM's
     * @param key      the configuration key of the bundle, for the message of one that cannot be read
     */
    public HttpUpstreamRegistry(URI base, Optional<String> username, Optional<String> password,
                                Optional<Path> caBundle, String key, Clock clock) {
        this(base, username, password, caBundle, Optional.empty(), key, clock);
    }

    /**
     * @param client a certificate (PEM, the client's first) and its private key (PEM) presented to an
     *               upstream that asks for one (mutual TLS)
     * @param key    the configuration key of the TLS files, for the message of one that cannot be read
     */
    public HttpUpstreamRegistry(URI base, Optional<String> username, Optional<String> password,
                                Optional<Path> caBundle, Optional<ClientCertificate> client, String key, Clock clock) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.basicCredentials = username.map(user -> "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .sslContext(TrustedAuthorities.jvmAnd(caBundle, key, client.map(c ->
                        TrustedAuthorities.clientIdentity(c.certificate(), c.privateKey(), key)).orElse(null)))
                .build();
    }

    @Override
    public String describe() {
        return base.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Stops the client's threads when the application stops; transfers still running are cut off. */
    @Override
    public void close() {
        http.shutdownNow();
    }

    @Override
    public Optional<Digest> resolve(RepositoryName repository, Reference reference) {
        String path = "/v2/" + repository + "/manifests/" + reference;
        try (Answer answer = send("HEAD", path, repository)) {
            if (answer.status() == 404) {
                return Optional.empty();
            }
            answer.requireOk();
            Optional<String> digest = answer.response().headers().firstValue("Docker-Content-Digest");
            if (digest.isPresent()) {
                return Optional.of(Digest.parse(digest.get().trim()));
            }
        }
        // a registry that does not say the digest on HEAD: the bytes tell it
        try (Answer answer = send("GET", path, repository)) {
            if (answer.status() == 404) {
                return Optional.empty();
            }
            answer.requireOk();
            return Optional.of(Digest.of(DigestAlgorithm.SHA256, answer.bytes()));
        }
    }

    @Override
    public Optional<UpstreamManifest> manifest(RepositoryName repository, Digest digest) {
        try (Answer answer = send("GET", "/v2/" + repository + "/manifests/" + digest, repository)) {
            if (answer.status() == 404) {
                return Optional.empty();
            }
            answer.requireOk();
            MediaType type = answer.response().headers().firstValue("Content-Type")
                    .map(MediaType::parseContentType).orElse(MediaType.OCI_MANIFEST_V1);
            return Optional.of(new UpstreamManifest(type, answer.bytes()));
        }
    }

    @Override
    public OptionalLong blobSize(RepositoryName repository, Digest digest) {
        try (Answer answer = send("HEAD", "/v2/" + repository + "/blobs/" + digest, repository)) {
            if (answer.status() == 404) {
                return OptionalLong.empty();
            }
            answer.requireOk();
            return answer.response().headers().firstValueAsLong("Content-Length");
        }
    }

    @Override
    public Optional<UpstreamBlob> blob(RepositoryName repository, Digest digest) {
        Answer answer = send("GET", "/v2/" + repository + "/blobs/" + digest, repository);
        try {
            if (answer.status() == 404) {
                answer.close();
                return Optional.empty();
            }
            answer.requireOk();
        } catch (RuntimeException e) {
            answer.close();
            throw e;
        }
        return Optional.of(new UpstreamBlob(answer.response().headers().firstValueAsLong("Content-Length").orElse(-1),
                answer.response().body()));
    }

    /**
     * {@code tags/list} pages of at most {@link #TAGS_PER_PAGE}, following the upstream's {@code Link}
     * while it stays on the upstream; names that are no valid tag are left out.
     */
    @Override
    public Optional<List<Tag>> tags(RepositoryName repository, int limit) {
        List<Tag> tags = new ArrayList<>();
        String path = "/v2/" + repository + "/tags/list?n=" + Math.min(limit, TAGS_PER_PAGE);
        // an upstream whose pages never end (or hold nothing) is read up to a bound too
        for (int pages = 0; path != null && tags.size() < limit && pages < MAX_TAG_PAGES; pages++) {
            try (Answer answer = send("GET", path, repository)) {
                if (answer.status() == 404 && tags.isEmpty()) {
                    return Optional.empty();
                }
                answer.requireOk();
                Object listed = JSONObjectUtils.parse(new String(answer.bytes(), StandardCharsets.UTF_8)).get("tags");
                if (listed instanceof List<?> names) {
                    names.stream().filter(String.class::isInstance).map(String.class::cast)
                            .flatMap(name -> validTag(name).stream()).limit(limit - tags.size()).forEach(tags::add);
                }
                path = next(answer).orElse(null);
            } catch (ParseException e) {
                throw new UpstreamException(describe() + " answered no JSON to " + path);
            }
        }
        return Optional.of(tags);
    }

    private static Optional<Tag> validTag(String name) {
        try {
            return Optional.of(Tag.parse(name));
        } catch (TagInvalidException e) {
            return Optional.empty();
        }
    }

    /** The path and query of a {@code Link: <...>; rel="next"} on the upstream itself. */
    private Optional<String> next(Answer answer) {
        return answer.response().headers().allValues("Link").stream()
                .map(LINK_NEXT::matcher).filter(Matcher::find).findFirst()
                .map(link -> answer.uri().resolve(link.group(1)))
                .filter(target -> sameOrigin(base, target))
                .map(target -> target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
    }

    /** A request answered after the challenge, if any, and after redirects; the caller closes it. */
    private Answer send(String method, String path, RepositoryName repository) {
        String scope = "repository:" + repository + ":pull";
        URI uri = base.resolve(path);
        Answer answer = exchange(method, uri, authorization(scope));
        if (answer.status() == 401) {
            String challenge = answer.response().headers().firstValue("WWW-Authenticate").orElse("");
            answer.close();
            answer = exchange(method, uri, Optional.of(answerChallenge(challenge, scope)));
            if (answer.status() == 401) {
                answer.close();
                throw new UpstreamException(describe() + " refused the configured credentials (401) for " + path);
            }
        }
        for (int redirects = 0; isRedirect(answer.status()) && redirects < MAX_REDIRECTS; redirects++) {
            Optional<String> location = answer.response().headers().firstValue("Location");
            answer.close();
            if (location.isEmpty()) {
                throw new UpstreamException(describe() + " redirected " + path + " without a Location");
            }
            URI target = uri.resolve(location.get());
            // credentials only to where they were given: a CDN gets a presigned URL and nothing else
            Optional<String> auth = sameOrigin(base, target) ? authorization(scope) : Optional.empty();
            uri = target;
            answer = exchange(method, uri, auth);
        }
        return answer;
    }

    private Optional<String> authorization(String scope) {
        Token token = tokens.get(scope);
        if (token != null && token.expires().isAfter(clock.instant())) {
            return Optional.of("Bearer " + token.value());
        }
        return basicChallenged ? basicCredentials : Optional.empty();
    }

    private String answerChallenge(String challenge, String scope) {
        String scheme = challenge.split(" ", 2)[0].trim();
        if (scheme.equalsIgnoreCase("Basic")) {
            basicChallenged = true;
            return basicCredentials.orElseThrow(() -> new UpstreamException(describe()
                    + " asks for credentials (basic auth) and none are configured"));
        }
        if (!scheme.equalsIgnoreCase("Bearer")) {
            throw new UpstreamException(describe() + " asks for an authentication scheme Berth does not speak: " + scheme);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        Matcher matcher = CHALLENGE_PARAMETER.matcher(challenge);
        while (matcher.find()) {
            parameters.put(matcher.group(1).toLowerCase(java.util.Locale.ROOT), matcher.group(2));
        }
        Token token = fetchToken(parameters.get("realm"), parameters.get("service"), scope);
        tokens.put(scope, token);
        return "Bearer " + token.value();
    }

    /** The Docker token spec: GET realm?service=&scope=, with basic auth when credentials are configured. */
    private Token fetchToken(String realm, String service, String scope) {
        URI realmUri;
        try {
            realmUri = URI.create(Objects.requireNonNull(realm));
        } catch (RuntimeException e) {
            throw new UpstreamException(describe() + " sent a bearer challenge without a usable realm");
        }
        if (!"https".equals(realmUri.getScheme()) && !"http".equals(realmUri.getScheme())) {
            throw new UpstreamException(describe() + " sent a bearer challenge whose realm is no http(s) URL");
        }
        String query = (service == null ? "" : "service=" + URLEncoder.encode(service, StandardCharsets.UTF_8) + "&")
                + "scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
        URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        try (Answer answer = exchange("GET", uri, basicCredentials)) {
            if (answer.status() != 200) {
                throw new UpstreamException("the token server of " + describe() + " answered " + answer.status());
            }
            Map<String, Object> json = JSONObjectUtils.parse(new String(answer.bytes(), StandardCharsets.UTF_8));
            Object value = json.containsKey("token") ? json.get("token") : json.get("access_token");
            if (!(value instanceof String text) || text.isBlank()) {
                throw new UpstreamException("the token server of " + describe() + " answered without a token");
            }
            long lifetime = json.get("expires_in") instanceof Number n ? n.longValue() : 60;
            return new Token(text, clock.instant().plusSeconds(lifetime).minus(TOKEN_MARGIN));
        } catch (ParseException e) {
            throw new UpstreamException("the token server of " + describe() + " answered no JSON");
        }
    }

    private Answer exchange(String method, URI uri, Optional<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(ANSWER_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", MANIFEST_TYPES)
                .header("User-Agent", "Berth pull-through cache");
        authorization.ifPresent(value -> request.header("Authorization", value));
        try {
            return new Answer(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()), method, uri);
        } catch (IOException e) {
            // a refused connection has no message, only its type
            throw new UpstreamException(describe() + " is unreachable: " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("interrupted while asking " + describe(), e);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && a.getPort() == b.getPort();
    }

    /** The files of a client identity for mutual TLS; the key is never logged. */
    public record ClientCertificate(Path certificate, Path privateKey) {
    }

    private record Token(String value, Instant expires) {

        @Override
        public String toString() {
            return "Token[expires=" + expires + "]";
        }
    }

    /** A response whose body stream is closed with it. */
    private record Answer(HttpResponse<InputStream> response, String method, URI uri) implements AutoCloseable {

        int status() {
            return response.statusCode();
        }

        void requireOk() {
            if (status() != 200) {
                throw new UpstreamException(uri.getScheme() + "://" + uri.getAuthority() + " answered " + status()
                        + " to " + method + " " + uri.getPath());
            }
        }

        byte[] bytes() {
            try (InputStream body = response.body()) {
                byte[] bytes = body.readNBytes(MAX_MANIFEST_BYTES + 1);
                if (bytes.length > MAX_MANIFEST_BYTES) {
                    throw new UpstreamException(uri.getAuthority() + " answered more than " + MAX_MANIFEST_BYTES
                            + " bytes to " + method + " " + uri.getPath());
                }
                return bytes;
            } catch (IOException e) {
                throw new UpstreamException("reading the answer of " + uri.getAuthority() + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // nothing more to read from it
            }
        }
    }
}
