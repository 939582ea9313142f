package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: X-Forwarded-Host/-Proto/-For count only from a configured proxy
 * ({@code http.trustedproxies}). A forged X-Forwarded-Host from anybody else must not send the
 * client's next request (and its credentials) elsewhere, nor a forged X-Forwarded-For hide who
 * sent a request from the access log.
 */
@ResourceLock(SharedBerth.LOCK)
class ForwardedHeadersIT {

    private static final String[] FORGED = {"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https",
            "X-Forwarded-For", "198.51.100.66"};

    @Test
    void anUntrustedPeerGetsBerthsOwnHostInEveryUrl() throws Exception {
        BerthProcess berth = SharedBerth.get();
        String own = "http://127.0.0.1:" + berth.port();

        assertThat(header(RawHttp.head("127.0.0.1", berth.port(), "POST", "/v2/forwarded/untrusted/blobs/uploads/",
                FORGED), "Location")).startsWith(own + "/v2/forwarded/untrusted/blobs/uploads/");

        pushTags(berth, "forwarded/untrusted", 2);
        assertThat(header(RawHttp.head("127.0.0.1", berth.port(), "GET", "/v2/forwarded/untrusted/tags/list?n=1",
                FORGED), "Link")).startsWith("<" + own + "/v2/forwarded/untrusted/tags/list?");
        assertThat(accessLogLines(berth, "/v2/forwarded/untrusted/blobs/uploads/"))
                .allMatch(line -> line.startsWith("127.0.0.1 ")).noneMatch(line -> line.contains("198.51.100.66"));
    }

    @Test
    void theTrustedProxyTellsTheClientsSchemeHostAndAddress() throws Exception {
        BerthProcess berth = SharedBerth.get();
        List<String> head = RawHttp.head(SharedBerth.TRUSTED_PROXY, berth.port(), "POST",
                "/v2/forwarded/trusted/blobs/uploads/", "X-Forwarded-Host", "registry.example.com",
                "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9");

        assertThat(head.getFirst()).startsWith("HTTP/1.1 202");
        assertThat(header(head, "Location")).startsWith("https://registry.example.com/v2/forwarded/trusted/blobs/uploads/");
        assertThat(accessLogLines(berth, "/v2/forwarded/trusted/blobs/uploads/"))
                .anyMatch(line -> line.startsWith("203.0.113.9 POST"));
    }

    private static void pushTags(BerthProcess berth, String repository, int count) {
        RegistryClient client = new RegistryClient(berth);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + client.pushBlob(repository, config) + "\",\"size\":" + config.length + "},\"layers\":[]}";
        for (int i = 0; i < count; i++) {
            assertThat(client.send("PUT", "/v2/" + repository + "/manifests/t" + i, manifest.getBytes(StandardCharsets.UTF_8),
                    "Content-Type", "application/vnd.oci.image.manifest.v1+json").statusCode()).isEqualTo(201);
        }
    }

    private static String header(List<String> head, String name) {
        return head.stream().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(l -> l.substring(name.length() + 1).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + head));
    }

    /** The access log's text lines ("address METHOD path status ...") for requests to {@code path}, once written. */
    private static List<String> accessLogLines(BerthProcess berth, String path) throws InterruptedException, IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            String marker = "[dev.berth.access] ";
            List<String> lines = berth.output().lines().filter(l -> l.contains(marker))
                    .map(l -> l.substring(l.indexOf(marker) + marker.length()))
                    .filter(l -> l.matches("\\S+ (POST|GET|PUT|PATCH|HEAD|DELETE) " + java.util.regex.Pattern.quote(path) + " .*"))
                    .toList();
            if (!lines.isEmpty()) {
                return lines;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no access log line for " + path + " in:\n" + berth.output());
    }
}
