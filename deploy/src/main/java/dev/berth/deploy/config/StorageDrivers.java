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
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads the chosen driver's {@code storage.<name>.*} options; one case per driver Berth ships. */
final class StorageDrivers {

    static final List<String> NAMES = List.of("filesystem", "inmemory", "azure", "gcs");

    private StorageDrivers() {
    }

    static BerthConfig.Driver read(String driver, RawConfig raw, Path dataDirectory) {
        raw.markRead("storage." + driver);
        return switch (driver) {
            case "filesystem" -> new BerthConfig.Driver.Filesystem(Path.of(raw.string("storage.filesystem.rootdirectory",
                    dataDirectory.resolve("registry").toString())).toAbsolutePath().normalize());
            case "inmemory" -> new BerthConfig.Driver.InMemory();
            case "azure" -> azure(raw);
            case "gcs" -> gcs(raw);
            default -> {
                raw.problem("storage." + driver + ": storage driver not available in this version of Berth (available: "
                        + String.join(", ", NAMES) + ")");
                yield new BerthConfig.Driver.InMemory();
            }
        };
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
        return new BerthConfig.Driver.Azure(account, key, container, serviceUrl, rootDirectory(raw, "azure"));
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
        return new BerthConfig.Driver.Gcs(bucket, key, endpoint, rootDirectory(raw, "gcs"), chunkSize);
    }

    /** A flat JSON object of strings. */
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

    /**
     * {@code storage.<driver>.rootdirectory} as a key prefix without outer slashes; "" when not set.
     * Checked here as the drivers' KeyLayout does, because the launcher reads the configuration
     * without the drivers on its class path.
     */
    private static String rootDirectory(RawConfig raw, String driver) {
        return raw.parsed("storage." + driver + ".rootdirectory", "", "a key prefix without empty, '.' or '..' segments",
                text -> {
                    String prefix = text.replaceAll("^/+|/+$", "");
                    boolean valid = prefix.isEmpty() || Arrays.stream(prefix.split("/", -1))
                            .noneMatch(segment -> segment.isEmpty() || segment.equals(".") || segment.equals(".."));
                    return valid ? prefix : null;
                }, false);
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
