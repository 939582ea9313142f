package dev.berth.application.fake;

import dev.berth.application.port.MaintenanceStore;
import dev.berth.domain.access.ImmutableTagRule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The maintenance state in memory, for use-case tests. */
public final class InMemoryMaintenance implements MaintenanceStore {

    private boolean readOnly;
    private final Map<String, Instant> lastRuns = new HashMap<>();
    private final List<ImmutableTagRule> rules = new ArrayList<>();

    @Override
    public synchronized boolean readOnly() {
        return readOnly;
    }

    @Override
    public synchronized void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    @Override
    public synchronized boolean claimRun(String job, Instant now, Duration interval) {
        Instant last = lastRuns.get(job);
        if (last != null && last.plus(interval).isAfter(now)) {
            return false;
        }
        lastRuns.put(job, now);
        return true;
    }

    @Override
    public synchronized List<ImmutableTagRule> immutableTagRules() {
        return List.copyOf(rules);
    }

    @Override
    public synchronized boolean addImmutableTagRule(ImmutableTagRule rule) {
        return !rules.contains(rule) && rules.add(rule);
    }

    @Override
    public synchronized boolean removeImmutableTagRule(ImmutableTagRule rule) {
        return rules.remove(rule);
    }
}
