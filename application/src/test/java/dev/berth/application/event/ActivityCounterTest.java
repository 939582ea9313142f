package dev.berth.application.event;

import dev.berth.application.fake.InMemoryMetadata;
import dev.berth.application.fake.MutableClock;
import dev.berth.application.port.ActivityStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActivityCounterTest {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 27);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T23:59:58Z"));
    private final InMemoryMetadata metadata = new InMemoryMetadata(clock);
    private final ActivityCounter counter = new ActivityCounter(metadata, clock);

    @Test
    void countsInMemoryUntilFlushedThenInTheStore() {
        counter.count(EventAction.PULL);
        counter.count(EventAction.PULL);
        counter.count(EventAction.PUSH);

        assertThat(metadata.count(DAY, EventAction.PULL)).as("nothing written per pull").isZero();
        assertThat(counter.countToday(EventAction.PULL)).isEqualTo(2);

        counter.flush();
        counter.count(EventAction.PULL);

        assertThat(metadata.count(DAY, EventAction.PULL)).isEqualTo(2);
        assertThat(metadata.count(DAY, EventAction.PUSH)).isEqualTo(1);
        assertThat(counter.countToday(EventAction.PULL)).as("stored plus not yet flushed").isEqualTo(3);
        counter.flush();
        counter.flush();
        assertThat(metadata.count(DAY, EventAction.PULL)).as("each count stored once").isEqualTo(3);
    }

    @Test
    void otherNodesFlushesCountToo() {
        metadata.add(DAY, EventAction.PUSH, 40);
        counter.count(EventAction.PUSH);

        assertThat(counter.countToday(EventAction.PUSH)).isEqualTo(41);
    }

    @Test
    void countsBeforeMidnightGoToTheirDayEvenWhenFlushedAfter() {
        counter.count(EventAction.PULL);
        clock.advance(Duration.ofSeconds(5));
        counter.count(EventAction.PULL);

        assertThat(counter.countToday(EventAction.PULL)).as("a new day starts at zero").isEqualTo(1);
        counter.flush();

        assertThat(metadata.count(DAY, EventAction.PULL)).isEqualTo(1);
        assertThat(metadata.count(DAY.plusDays(1), EventAction.PULL)).isEqualTo(1);
    }

    @Test
    void countsAFlushCouldNotStoreWaitForTheNext() {
        Failing store = new Failing(metadata);
        ActivityCounter failing = new ActivityCounter(store, clock);
        failing.count(EventAction.PULL);
        failing.count(EventAction.PULL);

        store.down = true;
        assertThatThrownBy(failing::flush).hasMessage("database down");
        failing.count(EventAction.PULL);
        assertThat(failing.countToday(EventAction.PULL)).isEqualTo(3);

        store.down = false;
        failing.flush();
        assertThat(metadata.count(DAY, EventAction.PULL)).isEqualTo(3);
    }

    @Test
    void concurrentCountsAreNotLost() throws Exception {
        clock.advance(Duration.ofHours(1));
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            IntStream.range(0, 8).forEach(t -> pool.submit(() -> {
                for (int i = 0; i < 10_000; i++) {
                    counter.count(EventAction.PULL);
                    if (i % 1000 == 0) {
                        counter.flush();
                    }
                }
            }));
        }
        counter.flush();

        assertThat(metadata.count(DAY.plusDays(1), EventAction.PULL)).isEqualTo(80_000);
    }

    private static final class Failing implements ActivityStore {

        private final ActivityStore store;
        volatile boolean down;

        Failing(ActivityStore store) {
            this.store = store;
        }

        @Override
        public void add(LocalDate day, EventAction action, long count) {
            if (down) {
                throw new IllegalStateException("database down");
            }
            store.add(day, action, count);
        }

        @Override
        public long count(LocalDate day, EventAction action) {
            return store.count(day, action);
        }
    }
}
