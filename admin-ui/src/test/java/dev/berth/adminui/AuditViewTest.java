package dev.berth.adminui;

import dev.berth.application.port.AuditLog;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AuditViewTest {

    @Test
    void filtersTakeWholeUtcDaysWithTheLastDayIncludedAndIgnoreBlankFields() {
        assertThat(AuditView.filter(" alice ", "grant", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 27),
                AuditView.FAILURE)).isEqualTo(new AuditLog.Filter(Optional.of("alice"), Optional.of("grant"),
                Optional.of(Instant.parse("2026-11-01T00:00:00Z")), Optional.of(Instant.parse("2026-11-28T00:00:00Z")),
                Optional.of(false)));
        assertThat(AuditView.filter("", null, null, null, AuditView.ANY)).isEqualTo(AuditLog.Filter.ALL);
        assertThat(AuditView.filter(null, " ", null, null, AuditView.SUCCESS).success()).contains(true);
    }

    @Test
    void aRowThatCountsThrottledAttemptsSaysHowMany() {
        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(AuditView.detail(new AuditLog.Event(at, "x", "10.0.0.9", "login", "", false, "throttled", 300)))
                .isEqualTo("throttled (300 times)");
        assertThat(AuditView.detail(new AuditLog.Event(at, "x", "10.0.0.9", "login", "", false, "wrong password")))
                .isEqualTo("wrong password");
    }

    @Test
    void digestsAreShortenedAsDockerShowsThemWhereverTheyStand() {
        String hex = "0123456789ab" + "c".repeat(52);
        assertThat(AuditView.shortened("team/app@sha256:" + hex)).isEqualTo("team/app@sha256:0123456789ab…");
        assertThat(AuditView.shortened("deleted sha256:" + hex + ", kept sha256:" + hex))
                .isEqualTo("deleted sha256:0123456789ab…, kept sha256:0123456789ab…");
        assertThat(AuditView.shortened("team/app:v1")).isEqualTo("team/app:v1");
    }

    @Test
    void clientInstructionsNameTheRegistryHostAndPortAsDockerWantsThem() {
        assertThat(CertificateSections.ClientTrust.clientInstructions("registry.example:5000"))
                .contains("sudo mkdir -p /etc/docker/certs.d/registry.example:5000 && sudo cp ca.crt "
                        + "/etc/docker/certs.d/registry.example:5000/ca.crt")
                .contains("podman push --cert-dir ./certs registry.example:5000/")
                .contains("skopeo inspect --cert-dir ./certs docker://registry.example:5000/");
    }
}
