package dev.berth.deploy.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Payara runs the readiness checks while Berth deploys. A check made before the runtime has booted
 * once left Weld with a database status around nothing, kept for the application's life: the
 * container stayed unhealthy for good. Before boot the statuses say "starting" and the adapters
 * cannot be produced at all.
 */
class BerthRuntimeStartingTest {

    private final BerthRuntime runtime = new BerthRuntime();

    @Test
    void healthSaysStartingBeforeBoot() {
        var database = runtime.databaseStatus().report();
        assertThat(database.reachable()).isFalse();
        assertThat(database.problem()).isEqualTo("Berth is starting");

        var storage = runtime.storageStatus().report();
        assertThat(storage.writable()).isFalse();
        assertThat(storage.problem()).isEqualTo("Berth is starting");
    }

    @Test
    void adaptersAreNotProducedBeforeBoot() {
        assertThatThrownBy(runtime::tagStore).isInstanceOf(IllegalStateException.class)
                .hasMessage("Berth is starting");
        assertThatThrownBy(runtime::blobStore).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(runtime::collectGarbage).isInstanceOf(IllegalStateException.class);
    }
}
