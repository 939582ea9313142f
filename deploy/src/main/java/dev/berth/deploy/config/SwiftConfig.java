package dev.berth.deploy.config;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and checks {@code storage.swift.*}, named as Distribution's Swift driver options. Like all
 * of this package it runs in the launcher, before Payara boots, where only the JDK and SnakeYAML
 * are on the classpath: no adapter types here.
 */
final class SwiftConfig {

    private static final String KEY = "storage.swift.";
    private static final long DEFAULT_CHUNK = 20L << 20;
    private static final long MIN_CHUNK = 1L << 20;
    /** Swift's default largest object. */
    private static final long MAX_CHUNK = 5L << 30;

    private SwiftConfig() {
    }

    static BerthConfig.Driver.Swift read(RawConfig raw) {
        URI authUrl = raw.parsed(KEY + "authurl", null, "an http:// or https:// URL", SwiftConfig::httpUrl, false);
        if (authUrl == null) {
            authUrl = URI.create("http://unset.invalid/");
            if (raw.string(KEY + "authurl").isEmpty()) {
                raw.problem(KEY + "authurl: required, the Keystone or tempauth URL");
            }
        }
        String username = required(raw, "username", "the user to authenticate as");
        String password = required(raw, "password", "the user's password or key");
        String container = raw.parsed(KEY + "container", "", "a container name without '/'", name ->
                name.contains("/") || name.length() > 256 ? null : name, false);
        if (container.isEmpty() && raw.string(KEY + "container").isEmpty()) {
            raw.problem(KEY + "container: required, the Swift container to store blobs in");
        }
        int authVersion = authVersion(raw, authUrl);
        String endpointType = raw.parsed(KEY + "endpointtype", "public", "public, internal or admin", type ->
                Set.of("public", "internal", "admin").contains(type.toLowerCase(Locale.ROOT))
                        ? type.toLowerCase(Locale.ROOT) : null, false);
        long chunkSize = raw.parsed(KEY + "chunksize", DEFAULT_CHUNK,
                "a size in bytes from " + MIN_CHUNK + " (1 MiB) to " + MAX_CHUNK + " (5 GiB)", text -> {
                    try {
                        long n = Long.parseLong(text);
                        return n >= MIN_CHUNK && n <= MAX_CHUNK ? n : null;
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }, false);
        String prefix = raw.parsed(KEY + "prefix", "", "a key prefix without empty, '.' or '..' segments",
                SwiftConfig::prefix, false);
        return new BerthConfig.Driver.Swift(authUrl, authVersion, username, password, container,
                raw.string(KEY + "region", ""), raw.string(KEY + "tenant", ""), raw.string(KEY + "tenantid", ""),
                raw.string(KEY + "domain", ""), raw.string(KEY + "domainid", ""),
                raw.string(KEY + "tenantdomain", ""), raw.string(KEY + "tenantdomainid", ""),
                raw.string(KEY + "trustid", ""), endpointType, raw.bool(KEY + "insecureskipverify", false),
                chunkSize, prefix, raw.string(KEY + "secretkey", ""), raw.bool(KEY + "tempurlcontainerkey", false));
    }

    private static String required(RawConfig raw, String option, String meaning) {
        return raw.string(KEY + option).orElseGet(() -> {
            raw.problem(KEY + option + ": required, " + meaning);
            return "";
        });
    }

    /** 1 (tempauth, swauth) or 3 (Keystone v3); unset, like Distribution, guesses from the URL. */
    private static int authVersion(RawConfig raw, URI authUrl) {
        int version = raw.parsed(KEY + "authversion", 0, "1 (tempauth) or 3 (Keystone v3)", text -> switch (text) {
            case "1", "3" -> Integer.parseInt(text);
            case "2" -> -2;
            default -> null;
        }, false);
        if (version == -2) {
            raw.problem(KEY + "authversion: Keystone v2 is not supported by Berth; use 3 (Keystone v3) or 1 (tempauth)");
            return 1;
        }
        if (version == 0) {
            return authUrl.getPath().contains("/v3") ? 3 : 1;
        }
        return version;
    }

    /** The prefix without outer slashes, or null when a segment is empty, '.' or '..'. */
    private static String prefix(String text) {
        String trimmed = text.replaceAll("^/+|/+$", "");
        for (String segment : trimmed.split("/", -1)) {
            if (!trimmed.isEmpty() && (segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
                return null;
            }
        }
        return trimmed;
    }

    private static URI httpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
