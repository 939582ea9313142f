package dev.berth.application.contract;

import dev.berth.application.port.MaintenanceStore;
import dev.berth.domain.access.ImmutableTagRule;
import dev.berth.domain.access.RepositoryPattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link MaintenanceStore} does: the in-memory fake and PostgreSQL run it. */
public abstract class MaintenanceStoreContract {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456Z");
    private static final Duration DAY = Duration.ofHours(24);

    private MaintenanceStore store;

    /** A store in its initial state: called before each test. */
    protected abstract MaintenanceStore emptyStore();

    @BeforeEach
    void openEmptyStore() {
        store = emptyStore();
    }

    @Test
    void readOnlyIsOffUntilSwitchedOn() {
        assertThat(store.readOnly()).isFalse();
        store.setReadOnly(true);
        assertThat(store.readOnly()).isTrue();
        store.setReadOnly(false);
        assertThat(store.readOnly()).isFalse();
    }

    @Test
    void aRunIsClaimedOncePerIntervalPerJob() {
        assertThat(store.claimRun("purge", T0, DAY)).as("never ran").isTrue();
        assertThat(store.claimRun("purge", T0.plusSeconds(60), DAY)).isFalse();
        assertThat(store.claimRun("other", T0.plusSeconds(60), DAY)).as("another job").isTrue();
        assertThat(store.claimRun("purge", T0.plus(DAY).minusNanos(1000), DAY)).isFalse();
        assertThat(store.claimRun("purge", T0.plus(DAY), DAY)).isTrue();
    }

    @Test
    void ofNodesClaimingTheSameRunAtOnceExactlyOneWins() throws Exception {
        int nodes = 6;
        CyclicBarrier start = new CyclicBarrier(nodes);
        List<Future<Boolean>> claims = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(nodes)) {
            for (int i = 0; i < nodes; i++) {
                claims.add(pool.submit(() -> {
                    start.await();
                    return store.claimRun("purge", T0, DAY);
                }));
            }
            int won = 0;
            for (Future<Boolean> claim : claims) {
                won += claim.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        }
    }

    @Test
    void immutableTagRulesAreAddedOnceListedOldestFirstAndRemoved() {
        ImmutableTagRule releases = new ImmutableTagRule(new RepositoryPattern("team/*"), "v*");
        ImmutableTagRule everything = new ImmutableTagRule(RepositoryPattern.ALL, "stable");
        assertThat(store.immutableTagRules()).isEmpty();
        assertThat(store.addImmutableTagRule(releases)).isTrue();
        assertThat(store.addImmutableTagRule(everything)).isTrue();
        assertThat(store.addImmutableTagRule(releases)).isFalse();
        assertThat(store.immutableTagRules()).containsExactly(releases, everything);

        assertThat(store.removeImmutableTagRule(releases)).isTrue();
        assertThat(store.removeImmutableTagRule(releases)).isFalse();
        assertThat(store.immutableTagRules()).containsExactly(everything);
    }
}
