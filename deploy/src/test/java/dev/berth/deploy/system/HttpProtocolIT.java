package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain listener speaks HTTP/1.1 only by default ({@code http.h2c.enabled: false}, as in
 * Distribution): a client that offers an h2c upgrade is answered in HTTP/1.1 and served.
 */
class HttpProtocolIT {

    @Test
    void aClientOfferingH2cIsServedInHttp11() throws Exception {
        BerthProcess berth = SharedBerth.get();
        try (HttpClient preferringHttp2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = preferringHttp2.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + berth.port() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            }
        }
    }
}
