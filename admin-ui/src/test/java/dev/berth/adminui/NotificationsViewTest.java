package dev.berth.adminui;

import dev.berth.application.event.Delivery;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationsViewTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aStatusCodeReadsAsHttpAndAnErrorAsItself() {
        assertThat(NotificationsView.status("500")).isEqualTo("HTTP 500");
        assertThat(NotificationsView.status("ConnectException: Connection refused"))
                .isEqualTo("ConnectException: Connection refused");
        assertThat(NotificationsView.status(null)).isEqualTo("—");
    }

    @Test
    void aNextAttemptAlreadyPastReadsNow() {
        assertThat(NotificationsView.attemptAt(NOW.plusSeconds(3600), NOW)).isEqualTo("2026-12-01 11:00:00 UTC");
        assertThat(NotificationsView.attemptAt(NOW.minusSeconds(3), NOW)).isEqualTo("now");
        assertThat(NotificationsView.attemptAt(NOW, NOW)).isEqualTo("now");
    }

    @Test
    void aDeliveryShowsItsTagElseItsShortDigest() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        assertThat(NotificationsView.tagOrDigest(delivery("v1", digest))).isEqualTo("v1");
        assertThat(NotificationsView.tagOrDigest(delivery(null, digest))).isEqualTo("sha256:0123456789ab");
        assertThat(NotificationsView.tagOrDigest(delivery(null, null))).isEqualTo("—");
    }

    private static Delivery delivery(String tag, String digest) {
        return new Delivery(1, NOW, "push", "team/app", tag, digest, Delivery.State.PENDING, 0, null, null, null, NOW);
    }
}
