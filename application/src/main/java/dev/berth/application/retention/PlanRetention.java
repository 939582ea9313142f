package dev.berth.application.retention;

import dev.berth.application.maintenance.ImmutableTags;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.RepositoryFilter;
import dev.berth.application.port.RetentionStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * What the retention policies delete now: the one plan behind the dry run and the real run, so that
 * the dry run lists exactly what a run at the same moment deletes. A tag goes when no policy covering
 * its repository keeps it; its manifest goes with its last tag unless an index lists it. Tags an
 * immutable tag rule protects are kept, as their deletion would be refused.
 */
@Dependent
public class PlanRetention {

    private static final int PAGE = 500;

    private final RetentionStore retention;
    private final RepositoryCatalog catalog;
    private final ManifestStore manifests;
    private final ImmutableTags immutable;
    private final Clock clock;

    @Inject
    public PlanRetention(RetentionStore retention, RepositoryCatalog catalog, ManifestStore manifests,
                         ImmutableTags immutable, Clock clock) {
        this.retention = retention;
        this.immutable = immutable;
        this.catalog = catalog;
        this.manifests = manifests;
        this.clock = clock;
    }

    public List<ExpiredTag> plan() {
        List<RetentionPolicy> policies = retention.policies();
        if (policies.isEmpty()) {
            return List.of();
        }
        // one pattern group: the repositories any policy covers, filtered by the store's query
        RepositoryFilter covered = new RepositoryFilter("", "",
                List.of(policies.stream().map(RetentionPolicy::repositories).toList()));
        Instant now = clock.instant();
        BiPredicate<RepositoryName, Tag> protectedTags = immutable.protectedTags();
        List<ExpiredTag> expired = new ArrayList<>();
        Optional<String> after = Optional.empty();
        List<RepositoryName> page;
        do {
            page = catalog.list(covered, after, PAGE);
            for (RepositoryName repository : page) {
                List<RetentionPolicy> applying = policies.stream().filter(p -> p.repositories().matches(repository))
                        .toList();
                expired.addAll(expiredIn(repository, applying, protectedTags, now));
            }
            after = page.isEmpty() ? after : Optional.of(page.getLast().value());
        } while (page.size() == PAGE);
        return expired;
    }

    private List<ExpiredTag> expiredIn(RepositoryName repository, List<RetentionPolicy> policies,
                                       BiPredicate<RepositoryName, Tag> protectedTags, Instant now) {
        List<RetainedTag> tags = retention.tags(repository);
        Set<RetainedTag> kept = new HashSet<>();
        tags.stream().filter(t -> protectedTags.test(repository, t.tag())).forEach(kept::add);
        for (RetentionPolicy policy : policies) {
            kept.addAll(keptBy(policy, tags, now));
        }
        Map<Digest, Long> keptTagsOf = new HashMap<>();
        tags.forEach(t -> keptTagsOf.merge(t.digest(), kept.contains(t) ? 1L : 0L, Long::sum));
        List<RetainedTag> going = tags.stream().filter(t -> !kept.contains(t))
                .sorted(Comparator.comparing((RetainedTag t) -> t.tag().value())).toList();
        List<ExpiredTag> expired = new ArrayList<>();
        Set<Digest> manifestPlanned = new HashSet<>();
        for (int i = going.size() - 1; i >= 0; i--) {
            RetainedTag tag = going.get(i);
            // the manifest goes with the last of its tags in this list, when no kept tag and no index holds it
            boolean manifestToo = keptTagsOf.get(tag.digest()) == 0 && manifestPlanned.add(tag.digest())
                    && !manifests.isChildOfAnother(repository, tag.digest());
            expired.add(new ExpiredTag(repository, tag.tag(), tag.digest(), manifestToo));
        }
        return expired.reversed();
    }

    private static List<RetainedTag> keptBy(RetentionPolicy policy, List<RetainedTag> tags, Instant now) {
        List<RetainedTag> kept = new ArrayList<>();
        policy.keepLast().ifPresent(n -> tags.stream()
                .sorted(Comparator.comparing(RetainedTag::pushedAt).thenComparing(t -> t.tag().value()).reversed())
                .limit(n).forEach(kept::add));
        if (policy.keepMatching().isPresent()) {
            Pattern names = policy.keptNames();
            tags.stream().filter(t -> names.matcher(t.tag().value()).matches()).forEach(kept::add);
        }
        policy.keepPulledDays().ifPresent(days -> {
            Instant since = now.minus(Duration.ofDays(days));
            tags.stream().filter(t -> t.pulledAt().map(p -> !p.isBefore(since)).orElse(false)).forEach(kept::add);
        });
        return kept;
    }
}
