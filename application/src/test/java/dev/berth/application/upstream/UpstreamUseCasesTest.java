package dev.berth.application.upstream;

import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UpstreamRules;
import dev.berth.application.port.UpstreamStore;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.User;
import dev.berth.domain.error.DeniedException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Administrators add, edit and remove upstreams; audited without the password; routed again after each change. */
class UpstreamUseCasesTest {

    private static final Caller ADMIN = new Caller(Optional.of(new User("root", true, true)), List.of(), Optional.empty());
    private static final Caller USER = new Caller(Optional.of(new User("dev", true, false)), List.of(), Optional.empty());
    private static final String SECRET = "upstream-secret-9";

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
    private final InMemoryUsers audit = new InMemoryUsers();
    private final Transactions transactions = new Transactions() {
        @Override
        public <T> T inTransaction(Supplier<T> work) {
            return work.get();
        }
    };
    private final StoredUpstreams store = new StoredUpstreams();
    private final Rules rules = new Rules();
    private final SaveUpstream save = new SaveUpstream(rules, store, transactions, audit, clock);
    private final RemoveUpstream remove = new RemoveUpstream(rules, store, transactions, audit, clock);
    private final ListUpstreams list = new ListUpstreams(rules, store);

    private static UpstreamForm form(String prefix, String username, String password) {
        return new UpstreamForm(prefix, "https://registry.example", username, password, "90s", "", "", "", "");
    }

    @Test
    void anAdministratorAddsEditsAndRemovesAnUpstreamBesideTheConfiguredOnes() {
        Upstream added = save.save(ADMIN, "10.0.0.1", Optional.empty(), form("ghcr", "mirror", SECRET));
        assertThat(added.prefix()).isEqualTo("ghcr/");
        assertThat(rules.reloads).isEqualTo(1);
        assertThat(list.list(ADMIN)).extracting(Upstream::prefix, Upstream::source).containsExactly(
                org.assertj.core.api.Assertions.tuple("ghcr/", Upstream.Source.ADMIN),
                org.assertj.core.api.Assertions.tuple("hub/", Upstream.Source.CONFIGURATION));

        Upstream edited = save.save(ADMIN, "10.0.0.1", Optional.of("ghcr/"), form("mirrors/ghcr", "mirror", ""));
        assertThat(edited.password()).as("an empty password keeps the stored one").contains(SECRET);
        assertThat(store.find("ghcr/")).isEmpty();
        Upstream renamed = save.save(ADMIN, "10.0.0.1", Optional.of("mirrors/ghcr/"), form("mirrors/ghcr", "other", ""));
        assertThat(renamed.password()).as("another user: the old password is not theirs").isEmpty();

        assertThat(remove.remove(ADMIN, "10.0.0.1", "mirrors/ghcr/")).isTrue();
        assertThat(remove.remove(ADMIN, "10.0.0.1", "mirrors/ghcr/")).isFalse();
        assertThat(rules.reloads).isEqualTo(5);
        assertThat(audit.recent(10)).extracting(AuditLog.Event::action).containsExactlyInAnyOrder("upstream.add",
                "upstream.edit", "upstream.edit", "upstream.remove", "upstream.remove");
        assertThat(audit.recent(10)).allSatisfy(event -> assertThat(event.detail()).doesNotContain(SECRET));
    }

    @Test
    void aRefusalComesBackByFieldAndIsAudited() {
        assertThatThrownBy(() -> save.save(ADMIN, "10.0.0.1", Optional.empty(), form("hub/extra", "", "")))
                .isInstanceOfSatisfying(InvalidUpstream.class, e -> assertThat(e.problems())
                        .containsKey("prefix"));
        assertThat(store.list()).isEmpty();
        assertThat(rules.reloads).isZero();
        AuditLog.Event refused = audit.recent(1).getFirst();
        assertThat(refused.action()).isEqualTo("upstream.add");
        assertThat(refused.success()).isFalse();
    }

    @Test
    void onlyAdministratorsSeeOrChangeUpstreams() {
        assertThatThrownBy(() -> list.list(USER)).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> save.save(USER, "x", Optional.empty(), form("ghcr", "", "")))
                .isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> remove.remove(USER, "x", "ghcr/")).isInstanceOf(DeniedException.class);
        assertThat(store.list()).isEmpty();
    }

    /** The configuration's rules reduced to what the use cases rely on: a prefix, no overlap. */
    private static final class Rules implements UpstreamRules {
        int reloads;

        @Override
        public List<Upstream> configured() {
            return List.of(new Upstream("hub/", "https://registry-1.docker.io", Optional.empty(), Optional.empty(),
                    Duration.ofMinutes(5), 0, Optional.empty(), Optional.empty(), Optional.empty(),
                    Upstream.Source.CONFIGURATION));
        }

        @Override
        public Upstream check(UpstreamForm form, List<Upstream> others) {
            String prefix = form.prefix().replaceAll("/?$", "/");
            if (others.stream().anyMatch(o -> prefix.startsWith(o.prefix()) || o.prefix().startsWith(prefix))) {
                throw InvalidUpstream.at("prefix", "overlaps another upstream");
            }
            return new Upstream(prefix, form.remoteUrl(), Optional.of(form.username()).filter(u -> !u.isEmpty()),
                    Optional.of(form.password()).filter(p -> !p.isEmpty()), Duration.ofSeconds(90), 0,
                    Optional.empty(), Optional.empty(), Optional.empty(), Upstream.Source.ADMIN);
        }

        @Override
        public void reload() {
            reloads++;
        }
    }

    private static final class StoredUpstreams implements UpstreamStore {
        private final Map<String, Upstream> byPrefix = new TreeMap<>();

        @Override
        public List<Upstream> list() {
            return new ArrayList<>(byPrefix.values());
        }

        @Override
        public Optional<Upstream> find(String prefix) {
            return Optional.ofNullable(byPrefix.get(prefix));
        }

        @Override
        public boolean save(Optional<String> replacing, Upstream upstream) {
            if (replacing.isPresent() && byPrefix.remove(replacing.get()) == null) {
                return false;
            }
            return byPrefix.putIfAbsent(upstream.prefix(), upstream) == null;
        }

        @Override
        public boolean remove(String prefix) {
            return byPrefix.remove(prefix) != null;
        }

        @Override
        public void onChange(Runnable listener) {
        }
    }
}
