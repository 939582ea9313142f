package dev.berth.application.system;

import dev.berth.application.fake.InMemoryMaintenance;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.User;
import dev.berth.domain.error.DeniedException;
import dev.berth.application.fake.MutableClock;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.maintenance.MaintenanceSettings;
import jakarta.inject.Provider;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SystemUseCasesTest {

    private static final Instant STARTED = Instant.parse("2026-11-27T10:00:00Z");
    private final InstanceInfo instance = new InstanceInfo("1.2.3", STARTED, "127.0.0.1:5000", Optional.empty());
    private final Clock clock = Clock.fixed(STARTED.plusSeconds(3725), ZoneOffset.UTC);
    private static final Provider<MaintenanceMode> WRITABLE = () -> new MaintenanceMode(new InMemoryMaintenance(),
            MaintenanceSettings.DEFAULTS);

    private static StorageStatus storage(boolean writable) {
        return () -> new StorageStatus.StorageReport("filesystem", "/data/registry", writable,
                writable ? null : "read-only file system");
    }

    private static DatabaseStatus database(boolean reachable) {
        return () -> reachable
                ? new DatabaseStatus.DatabaseReport("embedded", "127.0.0.1:5432/postgres", true, "1", "abc", null,
                        Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"))
                : new DatabaseStatus.DatabaseReport("external", "db:5432/berth", false, null, null, "connection refused");
    }

    @Test
    void describesVersionUptimeStorageAndDatabase() {
        SystemOverview overview = new DescribeSystem(instance, storage(true), database(true), clock).describe();

        assertThat(overview.version()).isEqualTo("1.2.3");
        assertThat(overview.uptime()).isEqualTo(Duration.ofSeconds(3725));
        assertThat(overview.storage().location()).isEqualTo("/data/registry");
        assertThat(overview.database().schemaVersion()).isEqualTo("1");
    }

    @Test
    void onlyAdministratorsSeeTheSettings() {
        EffectiveSettings settings = new EffectiveSettings(Optional.of("/etc/berth/config.yml"),
                List.of(new EffectiveSettings.Setting("http.addr", ":5000", "default")));
        ShowSettings show = new ShowSettings(settings);

        assertThat(show.show(new Caller(Optional.of(new User("root", true, true)), List.of(), Optional.empty())).settings()).extracting(EffectiveSettings.Setting::key)
                .containsExactly("http.addr");
        assertThatThrownBy(() -> show.show(new Caller(Optional.of(new User("alice", true, false)), List.of(), Optional.empty()))).isInstanceOf(DeniedException.class);
    }

    @Test
    void uptimeNeverNegativeWhenClockIsBehindStart() {
        Clock early = Clock.fixed(STARTED.minusSeconds(5), ZoneOffset.UTC);
        assertThat(new DescribeSystem(instance, storage(true), database(true), early).describe().uptime())
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void healthyOnlyWhenDatabaseAndStorageAreUp() {
        assertThat(new CheckHealth(storage(true), database(true), WRITABLE).check().healthy()).isTrue();
        assertThat(new CheckHealth(storage(false), database(true), WRITABLE).check().healthy()).isFalse();

        HealthReport down = new CheckHealth(storage(true), database(false), WRITABLE).check();
        assertThat(down.healthy()).isFalse();
        assertThat(down.checks()).filteredOn(HealthReport.Check::name, "database")
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.details()).containsEntry("problem", "the metadata database is unavailable")
                            .doesNotContainKey("schemaVersion");
                    assertThat(c.cause()).contains("connection refused");
                });
    }

    @Test
    void healthSaysWhetherTheRegistryIsReadOnlyAndStaysHealthy() {
        InMemoryMaintenance switched = new InMemoryMaintenance();
        CheckHealth health = new CheckHealth(storage(true), database(true),
                () -> new MaintenanceMode(switched, MaintenanceSettings.DEFAULTS));
        assertThat(health.storage().details()).containsEntry("readOnly", "false");
        switched.setReadOnly(true);
        assertThat(health.storage().details()).containsEntry("readOnly", "true");
        assertThat(health.check().healthy()).isTrue();
    }

    @Test
    void theStorageIsProbedOnScheduleAndEveryCheckReadsTheLastResult() {
        MutableClock now = new MutableClock(STARTED);
        AtomicInteger writes = new AtomicInteger();
        AtomicBoolean writable = new AtomicBoolean(true);
        StorageStatus probe = () -> {
            writes.incrementAndGet();
            return storage(writable.get()).report();
        };
        ScheduledStorageStatus scheduled = new ScheduledStorageStatus(probe, Duration.ofSeconds(10), now);
        CheckHealth health = new CheckHealth(scheduled, database(true), WRITABLE);
        assertThat(health.storage().up()).as("not probed yet").isFalse();

        scheduled.probe();
        for (int i = 0; i < 100; i++) {
            assertThat(health.check().healthy()).isTrue();
        }
        assertThat(writes).hasValue(1);

        writable.set(false);
        scheduled.probe();
        HealthReport.Check storage = health.storage();
        assertThat(storage.up()).isFalse();
        assertThat(storage.details()).containsEntry("problem", "the storage does not accept writes")
                .doesNotContainValue("read-only file system");
        assertThat(storage.cause()).contains("read-only file system");

        // a probe that hangs turns the check red once three intervals passed without a result
        writable.set(true);
        scheduled.probe();
        now.advance(Duration.ofSeconds(30));
        assertThat(health.storage().up()).isTrue();
        now.advance(Duration.ofSeconds(1));
        assertThat(health.storage().up()).isFalse();
        assertThat(health.storage().cause().orElseThrow()).startsWith("no storage probe has completed since");
    }

    @Test
    void healthShowsWhetherTheDatabaseRunsDurably() {
        HealthReport.Check database = new CheckHealth(storage(true), database(true), WRITABLE).database();

        assertThat(database.details()).containsEntry("fsync", "on").containsEntry("synchronous_commit", "on")
                .containsEntry("full_page_writes", "on");
        assertThat(database(true).report().durable()).isTrue();
        assertThat(new DatabaseStatus.DatabaseReport("external", "db", true, "1", "abc", null,
                Map.of("fsync", "off", "synchronous_commit", "on", "full_page_writes", "on")).durable()).isFalse();
        assertThat(database(false).report().durable()).as("unknown is not durable").isFalse();
    }

    @Test
    void liveUnlessSomethingBerthRunsItselfCannotRecover() {
        assertThat(new CheckLiveness(Optional::empty).check().up()).isTrue();

        HealthReport.Check dead = new CheckLiveness(() -> Optional.of("the embedded PostgreSQL has been down for 61 s"))
                .check();
        assertThat(dead.up()).isFalse();
        assertThat(dead.details()).containsEntry("problem", "the embedded PostgreSQL stays down despite restarts");
        assertThat(dead.cause()).contains("the embedded PostgreSQL has been down for 61 s");
    }
}
