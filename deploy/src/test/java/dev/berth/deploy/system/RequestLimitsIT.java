package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, resource limits: a request's header section is bounded, whatever header carries the
 * bulk (a padding header, a bearer token), and one such request costs the server nothing lasting.
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
}
