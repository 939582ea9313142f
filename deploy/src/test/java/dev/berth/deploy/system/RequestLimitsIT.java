package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, resource limits: a request's header section is bounded, whatever header carries the
 * bulk (a padding header, a bearer token), and one such request costs the server nothing lasting;
 * nor does a TLS handshake on the plain port cost the log anything (issue 22).
 */
@ResourceLock(SharedBerth.LOCK)
class RequestLimitsIT {

    private static final String HUGE = "x".repeat(64 * 1024);

    @Test
    void anOversizedHeaderSectionIsRefusedAndServingGoesOn() throws Exception {
        BerthProcess berth = SharedBerth.get();

        assertThat(RawHttp.status("127.0.0.1", berth.port(), "GET", "/v2/", "X-Padding", HUGE))
                .isEqualTo(400);
        assertThat(RawHttp.status("127.0.0.1", berth.port(), "GET", "/v2/", "Authorization", "Bearer " + HUGE))
                .isEqualTo(400);
        assertThat(RawHttp.status("127.0.0.1", berth.port(), "GET", "/v2/", "X-Padding", "x".repeat(4 * 1024)))
                .as("a header of a few KiB, as long tokens are, is fine").isEqualTo(200);
    }

    /** Issue 22: skopeo (as docker) tries TLS first; at log level info that leaves no trace, and no binary bytes. */
    @Test
    void aTlsClientHelloOnThePlainPortLeavesNoWarningNorBinaryInTheLog() throws Exception {
        BerthProcess berth = SharedBerth.get();

        RawHttp.tlsClientHello(berth.port());
        assertThat(RawHttp.status("127.0.0.1", berth.port(), "GET", "/v2/")).as("serving goes on").isEqualTo(200);

        String log = berth.output();
        assertThat(log).as("no Grizzly warning; the debug line stays out at info").doesNotContain("GRIZZLY0013")
                .doesNotContain("Unknown protocol").doesNotContain("TLS probe");
        assertThat(log.chars().filter(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t').count())
                .as("control characters, which make grep call the log binary").isZero();
    }
}
