package dev.berth.deploy.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the chosen driver's {@code storage.<name>.*} options; one case per driver Berth ships. */
final class StorageDrivers {

    static final List<String> NAMES = List.of("filesystem", "inmemory", "s3", "oss", "azure", "gcs", "swift");

    private static final long MIB = 1L << 20;
    private static final long MIN_CHUNK = 5 * MIB;
    private static final long MAX_CHUNK = 5L << 30;
    private static final long DEFAULT_CHUNK = 10 * MIB;
    private static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA",
            "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "NONE");

    private StorageDrivers() {
    }

    static BerthConfig.Driver read(String driver, RawConfig raw, Path dataDirectory) {
        raw.markRead("storage." + driver);
        return switch (driver) {
            case "filesystem" -> new BerthConfig.Driver.Filesystem(raw.path("storage.filesystem.rootdirectory",
                    dataDirectory.resolve("registry")), raw.bool("storage.filesystem.shared", false));
            case "inmemory" -> new BerthConfig.Driver.InMemory();
            case "s3" -> s3(raw);
            case "oss" -> oss(raw);
            case "azure" -> azure(raw);
            case "swift" -> SwiftConfig.read(raw);
            case "gcs" -> gcs(raw);
            default -> {
                raw.problem("storage." + driver + ": storage driver not available in this version of Berth (available: "
                        + String.join(", ", NAMES) + ")");
                yield new BerthConfig.Driver.InMemory();
            }
        };
    }

    /** Distribution's {@code storage.s3} options. */
    private static BerthConfig.Driver s3(RawConfig raw) {
        String bucket = required(raw, "storage.s3.bucket");
        // part of a host name when Berth names AWS's endpoint itself
        Optional<String> region = Optional.ofNullable(raw.parsed("storage.s3.region", null,
                "an AWS region such as eu-west-1", text -> text.matches("[A-Za-z0-9._-]+") ? text : null, false));
        boolean secure = raw.bool("storage.s3.secure", true);
        Optional<URI> endpoint = raw.string("storage.s3.regionendpoint").flatMap(e -> endpoint(raw,
                "storage.s3.regionendpoint", e, secure));
        if (region.isEmpty() && endpoint.isEmpty() && raw.string("storage.s3.region").isEmpty()) {
            raw.problem("storage.s3.region: required (an AWS region such as eu-west-1), unless storage.s3.regionendpoint is set");
        }
        if (endpoint.isEmpty() && !secure) {
            // plain HTTP to AWS's own endpoint, as Distribution's secure: false means
            endpoint = region.map(r -> URI.create("http://s3." + r + ".amazonaws.com"));
        }
        Optional<String> accessKey = raw.string("storage.s3.accesskey");
        Optional<String> secretKey = raw.string("storage.s3.secretkey");
        if (accessKey.isPresent() != secretKey.isPresent()) {
            raw.problem("storage.s3.accesskey, storage.s3.secretkey: give both, or neither for the AWS default credential chain");
        }
        Optional<String> storageClass = raw.parsed("storage.s3.storageclass", Optional.<String>empty(),
                "one of " + String.join(", ", STORAGE_CLASSES.stream().sorted().toList()), text -> {
                    String upper = text.toUpperCase(Locale.ROOT);
                    if (!STORAGE_CLASSES.contains(upper)) {
                        return null;
                    }
                    return upper.equals("NONE") ? Optional.<String>empty() : Optional.of(upper);
                }, false);
        return new BerthConfig.Driver.S3(bucket, region.orElse("us-east-1"), endpoint,
                raw.bool("storage.s3.forcepathstyle", false), accessKey, secretKey,
                raw.bool("storage.s3.encrypt", false), raw.string("storage.s3.keyid"),
                chunkSize(raw, "storage.s3.chunksize"), rootDirectory(raw, "storage.s3.rootdirectory"),
                raw.bool("storage.s3.skipverify", false), storageClass);
    }

    /** Distribution's {@code storage.oss} options, served through OSS's S3-compatible API. */
    private static BerthConfig.Driver oss(RawConfig raw) {
        String bucket = required(raw, "storage.oss.bucket");
        String region = required(raw, "storage.oss.region");
        Optional<String> endpoint = raw.string("storage.oss.endpoint").map(e -> e.replaceFirst("^https?://", ""));
        endpoint.filter(e -> !e.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")).ifPresent(e ->
                raw.problem("storage.oss.endpoint: expected a host name such as oss-cn-hangzhou.aliyuncs.com, found '"
                        + e + "'"));
        return new BerthConfig.Driver.Oss(bucket, region, endpoint, raw.bool("storage.oss.internal", false),
                raw.bool("storage.oss.secure", true), required(raw, "storage.oss.accesskeyid"),
                required(raw, "storage.oss.accesskeysecret"), raw.bool("storage.oss.encrypt", false),
                chunkSize(raw, "storage.oss.chunksize"), rootDirectory(raw, "storage.oss.rootdirectory"));
    }

    /** The value, or a problem naming the key (never the value: some are secrets). */
    private static String required(RawConfig raw, String key) {
        Optional<String> value = raw.string(key);
        if (value.isEmpty()) {
            raw.problem(key + ": required");
        }
        return value.orElse("");
    }

    private static Optional<URI> endpoint(RawConfig raw, String key, String text, boolean secure) {
        String withScheme = text.contains("://") ? text : (secure ? "https://" : "http://") + text;
        try {
            URI uri = new URI(withScheme);
            // "/x://y" contains "://" but is a relative URI: no scheme
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
                return Optional.of(uri);
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        raw.problem(key + ": expected an http(s) URL or host[:port] such as https://minio.example:9000, found '"
                + text + "'");
        return Optional.empty();
    }

    private static long chunkSize(RawConfig raw, String key) {
        return raw.parsed(key, DEFAULT_CHUNK, "a number of bytes from 5242880 (5 MiB) to 5368709120 (5 GiB)", text -> {
            try {
                long n = Long.parseLong(text);
                return n >= MIN_CHUNK && n <= MAX_CHUNK ? n : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }, false);
    }

    /** An object key prefix: no empty, "." or ".." segments; leading and trailing slashes are dropped. */
    private static String rootDirectory(RawConfig raw, String key) {
        String text = raw.string(key, "").replaceAll("^/+|/+$", "");
        if (!text.isEmpty() && List.of(text.split("/", -1)).stream()
                .anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            raw.problem(key + ": expected a key prefix such as registry/berth without empty, '.' or '..' segments, found '"
                    + text + "'");
            return "";
        }
        return text;
    }

    private static final Pattern AZURE_ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern AZURE_CONTAINER = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    /** {@code storage.azure.*}, with Distribution's names, plus {@code serviceurl} for Azurite and private endpoints. */
    private static BerthConfig.Driver azure(RawConfig raw) {
        String account = raw.parsed("storage.azure.accountname", "", "a storage account name (3 to 24 lowercase "
                + "letters and digits)", text -> AZURE_ACCOUNT.matcher(text).matches() ? text : null, false);
        String key = raw.parsed("storage.azure.accountkey", "", "the account's base64 access key",
                text -> isBase64(text) ? text : null, true);
        String container = raw.parsed("storage.azure.container", "", "a container name (3 to 63 lowercase letters, "
                + "digits and single hyphens)", text -> AZURE_CONTAINER.matcher(text).matches() ? text : null, false);
        String realm = raw.parsed("storage.azure.realm", "core.windows.net", "a domain name such as core.windows.net",
                text -> HOST.matcher(text).matches() ? text : null, false);
        URI serviceUrl = raw.parsed("storage.azure.serviceurl", URI.create("https://" + (account.isEmpty() ? "account"
                        : account) + ".blob." + realm), "an http or https URL of the Blob service",
                StorageDrivers::httpUrl, false);
        for (String required : List.of("accountname", "accountkey", "container")) {
            if (raw.string("storage.azure." + required).isEmpty()) {
                raw.problem("storage.azure." + required + ": required");
            }
        }
        return new BerthConfig.Driver.Azure(account, key, container, serviceUrl, rootDirectory(raw, "storage.azure.rootdirectory"));
    }

    private static final Pattern GCS_BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");
    private static final List<String> GCS_KEY_FIELDS = List.of("type", "project_id", "private_key_id", "private_key",
            "client_email", "client_id", "auth_uri", "token_uri", "auth_provider_x509_cert_url", "client_x509_cert_url",
            "universe_domain");
    private static final int GCS_CHUNK_UNIT = 256 * 1024;

    /** {@code storage.gcs.*}, with Distribution's names, plus {@code endpoint} for emulators and private endpoints. */
    private static BerthConfig.Driver gcs(RawConfig raw) {
        String bucket = raw.parsed("storage.gcs.bucket", "", "a bucket name (lowercase letters, digits, '-', '_' "
                + "and '.')", text -> GCS_BUCKET.matcher(text).matches() ? text : null, false);
        if (raw.string("storage.gcs.bucket").isEmpty()) {
            raw.problem("storage.gcs.bucket: required");
        }
        Optional<String> key = raw.string("storage.gcs.keyfile").flatMap(file -> {
            try {
                return Optional.of(Files.readString(Path.of(file)));
            } catch (IOException | RuntimeException e) {
                raw.problem("storage.gcs.keyfile: cannot read the service-account key file " + file + ": " + e);
                return Optional.empty();
            }
        });
        // Distribution's inline form: the key file's fields as a map
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : GCS_KEY_FIELDS) {
            raw.string("storage.gcs.credentials." + field).ifPresent(value -> fields.put(field, value));
        }
        if (!fields.isEmpty()) {
            if (key.isPresent()) {
                raw.problem("storage.gcs: set keyfile or credentials, not both");
            }
            if (!fields.containsKey("private_key") || !fields.containsKey("client_email")) {
                raw.problem("storage.gcs.credentials: expected a service-account key with at least client_email and "
                        + "private_key");
            }
            key = Optional.of(json(fields));
        }
        Optional<URI> endpoint = Optional.ofNullable(raw.parsed("storage.gcs.endpoint", null,
                "an http or https URL of a GCS JSON API", StorageDrivers::httpUrl, false));
        int chunkSize = raw.integer("storage.gcs.chunksize", 16 * 1024 * 1024, GCS_CHUNK_UNIT, 1 << 30);
        if (chunkSize % GCS_CHUNK_UNIT != 0) {
            raw.problem("storage.gcs.chunksize: expected a multiple of 262144 (256 KiB), found " + chunkSize);
        }
        return new BerthConfig.Driver.Gcs(bucket, key, endpoint, rootDirectory(raw, "storage.gcs.rootdirectory"), chunkSize);
    }

    /**
     * A flat JSON object of strings. Escaped here rather than by domain.json's JsonStrings: the launcher
     * reads the configuration with only the JDK and SnakeYAML on its class path (ArchitectureTest).
     */
    private static String json(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, value) -> {
            json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":\"");
            for (char c : value.toCharArray()) {
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> json.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
                }
            }
            json.append('"');
        });
        return json.append('}').toString();
    }

    private static URI httpUrl(String text) {
        try {
            URI uri = new URI(text);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null && uri.getQuery() == null && uri.getUserInfo() == null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static boolean isBase64(String text) {
        try {
            return Base64.getDecoder().decode(text).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
