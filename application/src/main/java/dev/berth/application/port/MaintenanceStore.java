package dev.berth.application.port;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.berth.domain.access.ImmutableTagRule;

/**
 * Port: the registry's maintenance state, in the metadata store so that every node shares it and a
 * restart keeps it: the read-only switch, immutable tag rules and which node ran a scheduled job last.
 */
public interface MaintenanceStore {

    /** The read-only switch as administrators set it; false until one does. */
    boolean readOnly();

    void setReadOnly(boolean readOnly);

    /**
     * Claims the run of {@code job} due at {@code now}: true for exactly one caller across all nodes
     * when the job last ran {@code interval} or longer before {@code now} (or never), false otherwise.
     */
    boolean claimRun(String job, Instant now, Duration interval);

    /** Every immutable tag rule, oldest first. */
    List<ImmutableTagRule> immutableTagRules();

    /** @return false when the same rule exists already */
    boolean addImmutableTagRule(ImmutableTagRule rule);

    /** @return whether the rule existed */
    boolean removeImmutableTagRule(ImmutableTagRule rule);
}
