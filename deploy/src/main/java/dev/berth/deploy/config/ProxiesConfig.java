package dev.berth.deploy.config;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pull-through cache's upstreams: Distribution's {@code proxy} section (one upstream for the whole
 * registry; its keys also from {@code REGISTRY_PROXY_*}) or Berth's {@code proxies} list (an upstream
 * per namespace prefix; a list, so from the file only, as {@code notifications.endpoints}). URLs and
 * passwords are never echoed in a problem: a URL may carry credentials.
 */
final class ProxiesConfig {

    /** Tags checked upstream at most this often unless {@code ttl} says otherwise. */
    static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    private static final Set<String> KEYS = Set.of("prefix", "remoteurl", "username", "password", "ttl", "cabundle",
            "maxsize", "clientcert", "clientkey");
    /** {@code 500MB}, {@code 20 GiB}, {@code 1.5TB} or bytes: decimal and binary units as the quotas take them. */
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(|b|[kmgt]b|[kmgt]ib)");
    /** Repository name components (the launcher reads the configuration without the domain's classes). */
    private static final String NAMESPACE = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*";

    private ProxiesConfig() {
    }

    static List<BerthConfig.Proxy> read(RawConfig raw, List<String> warnings) {
        List<BerthConfig.Proxy> proxies = new ArrayList<>();
        Optional<String> remoteUrl = raw.string("proxy.remoteurl");
        Optional<String> username = raw.string("proxy.username");
        Optional<String> password = raw.string("proxy.password");
        Optional<String> ttl = raw.string("proxy.ttl");
        Optional<String> caBundle = raw.string("proxy.cabundle");
        Optional<String> maxSize = raw.string("proxy.maxsize");
        Tls tls = new Tls(caBundle, raw.string("proxy.clientcert"), raw.string("proxy.clientkey"));
        if (remoteUrl.isPresent()) {
            proxy(raw, "proxy", "", remoteUrl.get(), username, password, ttl, tls, maxSize).ifPresent(proxies::add);
        } else if (username.isPresent() || password.isPresent() || ttl.isPresent() || maxSize.isPresent()
                || tls.any()) {
            raw.problem("proxy: remoteurl is required (the registry to mirror)");
        }
        Object list = raw.raw("proxies");
        if (list == null) {
            return proxies;
        }
        if (!(list instanceof List<?> entries)) {
            raw.problem("proxies: expected a list of upstreams (prefix, remoteurl, ...)");
            return proxies;
        }
        if (remoteUrl.isPresent()) {
            raw.problem("proxies: proxy.remoteurl already mirrors every repository; use one or the other");
        }
        for (int i = 0; i < entries.size(); i++) {
            String where = "proxies[" + i + "]";
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                raw.problem(where + ": expected an upstream (prefix, remoteurl, ...)");
                continue;
            }
            Map<String, String> e = new LinkedHashMap<>();
            entry.forEach((k, v) -> e.put(String.valueOf(k).toLowerCase(Locale.ROOT), v == null ? null : String.valueOf(v).trim()));
            for (String key : e.keySet()) {
                if (!KEYS.contains(key)) {
                    warnings.add(where + "." + key + ": unknown proxy key; ignored");
                }
            }
            Optional<String> prefix = prefix(raw, where, e.get("prefix"));
            Optional<String> url = Optional.ofNullable(e.get("remoteurl")).filter(u -> !u.isEmpty());
            if (url.isEmpty()) {
                raw.problem(where + ".remoteurl: required (the registry to mirror)");
            }
            if (prefix.isPresent() && url.isPresent()) {
                proxy(raw, where + " (" + prefix.get() + ")", prefix.get(), url.get(), nonEmpty(e.get("username")),
                        nonEmpty(e.get("password")), nonEmpty(e.get("ttl")), new Tls(nonEmpty(e.get("cabundle")),
                                nonEmpty(e.get("clientcert")), nonEmpty(e.get("clientkey"))),
                        nonEmpty(e.get("maxsize")))
                        .ifPresent(proxies::add);
            }
        }
        for (BerthConfig.Proxy a : proxies) {
            for (BerthConfig.Proxy b : proxies) {
                if (a != b && b.prefix().startsWith(a.prefix())) {
                    raw.problem("proxies: prefix " + b.prefix() + " lies within " + a.prefix()
                            + (a.prefix().equals(b.prefix()) ? " (twice)" : "") + ": every repository needs one upstream");
                }
            }
        }
        return proxies;
    }

    private static Optional<BerthConfig.Proxy> proxy(RawConfig raw, String where, String prefix, String url,
                                                     Optional<String> username, Optional<String> password,
                                                     Optional<String> ttlText, Tls tls,
                                                     Optional<String> maxSizeText) {
        int before = raw.problems().size();
        URI remote = remoteUrl(url);
        if (remote == null) {
            raw.problem(where + ".remoteurl: expected an http or https URL of a registry's root, without credentials,"
                    + " path or query (credentials go in username and password)");
        }
        if (password.isPresent() && username.isEmpty()) {
            raw.problem(where + ".password: given without a username");
        }
        Duration ttl = ttlText.map(text -> {
            Duration parsed = ConfigLoader.delay(text);
            if (parsed == null) {
                raw.problem(where + ".ttl: expected a duration such as 30s, 5m or 24h, or 0s, found '" + text + "'");
            }
            return parsed;
        }).orElse(DEFAULT_TTL);
        Optional<Path> caBundle = tlsFile(raw, where + ".cabundle", tls.caBundle(), remote);
        caBundle.ifPresent(file -> ConfigLoader.pemCertificates(raw, where + ".cabundle", file));
        Optional<Path> clientCert = tlsFile(raw, where + ".clientcert", tls.clientCert(), remote);
        Optional<Path> clientKey = tlsFile(raw, where + ".clientkey", tls.clientKey(), remote);
        clientCert.ifPresent(file -> ConfigLoader.pemCertificates(raw, where + ".clientcert", file));
        clientKey.ifPresent(file -> privateKey(raw, where + ".clientkey", file));
        if (tls.clientCert().isPresent() != tls.clientKey().isPresent()) {
            raw.problem(where + ": clientcert and clientkey go together (a certificate and its private key)");
        }
        long maxBytes = maxSizeText.map(text -> {
            long parsed = bytes(text);
            if (parsed <= 0) {
                raw.problem(where + ".maxsize: expected a size such as 500MB, 20GiB or a number of bytes, found '"
                        + text + "'");
            }
            return parsed;
        }).orElse(0L);
        if (raw.problems().size() > before) {
            return Optional.empty();
        }
        return Optional.of(new BerthConfig.Proxy(prefix, remote, username, password, ttl, caBundle, maxBytes,
                clientCert.flatMap(cert -> clientKey.map(key -> new BerthConfig.ClientCertificate(cert, key)))));
    }

    /** A registry's root: http(s), a host, no user info, no path beyond "/", no query or fragment. */
    private static URI remoteUrl(String text) {
        try {
            URI uri = new URI(text);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return web && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && (path.isEmpty() || path.equals("/"))
                    ? URI.create(uri.getScheme() + "://" + uri.getRawAuthority()) : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** "hub" or "hub/": one or more repository name components, normalized to end with '/'. */
    private static Optional<String> prefix(RawConfig raw, String where, String text) {
        String trimmed = text == null ? "" : text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        if (trimmed.length() < 200 && trimmed.matches(NAMESPACE)) {
            return Optional.of(trimmed + "/");
        }
        raw.problem(where + ".prefix: expected a namespace such as 'hub' or 'mirrors/ghcr' (lowercase name"
                + " components), found '" + (text == null ? "" : text) + "'");
        return Optional.empty();
    }

    /** The TLS files of an upstream, as written. */
    private record Tls(Optional<String> caBundle, Optional<String> clientCert, Optional<String> clientKey) {

        boolean any() {
            return caBundle.isPresent() || clientCert.isPresent() || clientKey.isPresent();
        }
    }

    /** A file of the upstream's TLS: a path, for an https:// upstream. */
    private static Optional<Path> tlsFile(RawConfig raw, String key, Optional<String> text, URI remote) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<Path> file = Optional.ofNullable(RawConfig.absolutePath(text.get()));
        if (file.isEmpty()) {
            raw.problem(key + ": expected a file path");
        } else if (remote != null && !remote.getScheme().equals("https")) {
            raw.problem(key + ": only used with an https:// remoteurl");
            return Optional.empty();
        }
        return file;
    }

    /** Read fully at start by the HTTP client; here only whether it is a readable PEM private key (never echoed). */
    private static void privateKey(RawConfig raw, String key, Path file) {
        try {
            String text = Files.readString(file);
            if (!text.matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*")) {
                raw.problem(key + ": " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
            } else if (text.contains("ENCRYPTED")) {
                raw.problem(key + ": " + file + " is encrypted; give the key unencrypted, readable by Berth only");
            }
        } catch (IOException e) {
            raw.problem(key + ": file " + file + " does not exist or is not readable");
        }
    }

    /** The size in bytes, or -1 when the text is none (or no whole number of bytes). */
    static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        String unit = m.group(2);
        int power = unit.length() < 2 ? 0 : "kmgt".indexOf(unit.charAt(0)) + 1;
        BigDecimal base = BigDecimal.valueOf(unit.endsWith("ib") ? 1024 : 1000);
        try {
            return new BigDecimal(m.group(1)).multiply(base.pow(power)).longValueExact();
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static Optional<String> nonEmpty(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }
}
