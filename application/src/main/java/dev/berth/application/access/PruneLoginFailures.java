package dev.berth.application.access;

import dev.berth.application.port.LoginFailures;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * Use case: forget failed logins the throttling no longer counts (older than its window), of every
 * subject: one-off names and addresses would otherwise stay forever.
 */
@Dependent
public class PruneLoginFailures {

    private final LoginFailures failures;
    private final AccessSettings settings;
    private final Clock clock;

    @Inject
    public PruneLoginFailures(LoginFailures failures, AccessSettings settings, Clock clock) {
        this.failures = failures;
        this.settings = settings;
        this.clock = clock;
    }

    /** @return how many failures were forgotten */
    public long prune() {
        return failures.pruneBefore(clock.instant().minus(settings.failureWindow()));
    }
}
