package dev.berth.application.event;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryRulesTest {

    private static NotificationEndpoint endpoint(int threshold, Duration backoff) {
        return new NotificationEndpoint("e", URI.create("http://127.0.0.1:1/"), Map.of(), Duration.ofSeconds(1),
                threshold, backoff, Set.of(), Set.of(), EnvelopeFormat.V2, Optional.empty(), false);
    }

    @Test
    void retriesAtOnceBelowTheThresholdThenBacksOffDoublingUpToACap() {
        NotificationEndpoint e = endpoint(3, Duration.ofSeconds(2));
        assertThat(DeliverEvents.pause(e, 1)).isZero();
        assertThat(DeliverEvents.pause(e, 2)).isZero();
        assertThat(DeliverEvents.pause(e, 3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(DeliverEvents.pause(e, 4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(DeliverEvents.pause(e, 5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(DeliverEvents.pause(e, 1000)).isEqualTo(DeliverEvents.MAX_PAUSE);
    }

    @Test
    void theRegistry2EnvelopeLeavesOutReferences() {
        String stored = EventJson.event(new RegistryEvent("id-1", Instant.parse("2026-11-27T10:00:00Z"), EventAction.PUSH,
                new EventTarget("application/vnd.oci.image.manifest.v1+json", 10, "sha256:" + "a".repeat(64), "r",
                        null, null, "v1", List.of(dev.berth.domain.manifest.Descriptor.of(
                        dev.berth.domain.manifest.MediaType.parse("application/vnd.oci.image.config.v1+json"),
                        dev.berth.domain.Digest.parse("sha256:" + "b".repeat(64)), 3))),
                RequestContext.NONE, new EventSource("n:5000", "i")));

        String v2 = new String(EventJson.envelope(List.of(stored, stored), EnvelopeFormat.V2), StandardCharsets.UTF_8);
        String v1 = new String(EventJson.envelope(List.of(stored), EnvelopeFormat.V1), StandardCharsets.UTF_8);

        assertThat(v2).startsWith("{\"events\":[{\"id\":\"id-1\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"action\":\"push\","
                + "\"target\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":10,")
                .contains("\"references\":[{").contains("},{\"id\":\"id-1\"");
        assertThat(v1).doesNotContain("references").contains("\"tag\":\"v1\"").startsWith("{\"events\":[{\"id\":\"id-1\"");
    }

    @Test
    void endpointsRefuseWhatCannotBeDelivered() {
        assertThatThrownBy(() -> new NotificationEndpoint("e", URI.create("ftp://x/"), Map.of(), Duration.ofSeconds(1),
                1, Duration.ofSeconds(1), Set.of(), Set.of(), EnvelopeFormat.V2, Optional.empty(), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(endpoint(1, Duration.ofSeconds(1)).toString()).doesNotContain("Authorization");
    }
}
