package dev.berth.adminui;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardViewTest {

    @Test
    void uptimeReadsLikeAHumanWouldSayIt() {
        assertThat(DashboardView.humanize(Duration.ofSeconds(42))).isEqualTo("42 s");
        assertThat(DashboardView.humanize(Duration.ofSeconds(125))).isEqualTo("2 min 5 s");
        assertThat(DashboardView.humanize(Duration.ofMinutes(185))).isEqualTo("3 h 5 min");
        assertThat(DashboardView.humanize(Duration.ofHours(50))).isEqualTo("2 d 2 h");
    }
}
