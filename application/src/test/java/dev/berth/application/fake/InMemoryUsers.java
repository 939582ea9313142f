package dev.berth.application.fake;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.LoginFailures;
import dev.berth.application.port.RobotTokenStore;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/** The user, robot token, login failure and audit ports in memory, for fast use-case tests. */
public final class InMemoryUsers implements UserDirectory, RobotTokenStore, LoginFailures, AuditLog {

    private final Map<String, StoredUser> users = new TreeMap<>();
    private final Map<String, Map<RepositoryPattern, Grant>> grants = new TreeMap<>();
    private final TreeSet<String> anonymous = new TreeSet<>();
    private final Map<UUID, RobotToken> robots = new LinkedHashMap<>();
    private final List<Map.Entry<String, Instant>> failures = new ArrayList<>();
    public final List<Event> events = new ArrayList<>();
    /** The key of each event recorded by {@link #recordRepeated}, by identity. */
    private final Map<Event, String> repeatKeys = new IdentityHashMap<>();

    @Override
    public synchronized Optional<StoredUser> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    @Override
    public synchronized boolean create(User user, String passwordHash, boolean passwordChangeRequired) {
        return users.putIfAbsent(user.name(), new StoredUser(user, passwordHash, 0, passwordChangeRequired)) == null;
    }

    @Override
    public synchronized boolean setPassword(String name, String passwordHash) {
        return users.computeIfPresent(name, (n, u) -> new StoredUser(u.user(), passwordHash, u.credentialStamp() + 1))
                != null;
    }

    @Override
    public synchronized Change setEnabled(String name, boolean enabled) {
        return change(name, enabled, users.containsKey(name) && users.get(name).user().admin());
    }

    @Override
    public synchronized Change setAdmin(String name, boolean admin) {
        return change(name, users.containsKey(name) && users.get(name).user().enabled(), admin);
    }

    private Change change(String name, boolean enabled, boolean admin) {
        StoredUser user = users.get(name);
        if (user == null) {
            return Change.NO_SUCH_USER;
        }
        boolean lastAdmin = user.user().admin() && user.user().enabled() && !(admin && enabled)
                && users.values().stream().filter(u -> u.user().admin() && u.user().enabled()).count() == 1;
        if (lastAdmin) {
            return Change.LAST_ADMIN;
        }
        users.put(name, new StoredUser(new User(name, enabled, admin), user.passwordHash(), user.credentialStamp() + 1,
                user.passwordChangeRequired()));
        return Change.CHANGED;
    }

    @Override
    public synchronized boolean isEmpty() {
        return users.isEmpty();
    }

    @Override
    public synchronized List<User> list() {
        return users.values().stream().map(StoredUser::user).toList();
    }

    @Override
    public synchronized List<Grant> grants(String name) {
        return List.copyOf(grants.getOrDefault(name, Map.of()).values());
    }

    @Override
    public synchronized boolean grant(String name, Grant grant) {
        if (!users.containsKey(name)) {
            return false;
        }
        grants.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(grant.pattern(), grant);
        return true;
    }

    @Override
    public synchronized boolean revoke(String name, RepositoryPattern pattern) {
        return grants.getOrDefault(name, new LinkedHashMap<>()).remove(pattern) != null;
    }

    @Override
    public synchronized List<RepositoryPattern> anonymousPull() {
        return anonymous.stream().map(RepositoryPattern::new).toList();
    }

    @Override
    public synchronized boolean setAnonymousPull(RepositoryPattern pattern, boolean allowed) {
        return allowed ? anonymous.add(pattern.value()) : anonymous.remove(pattern.value());
    }

    @Override
    public synchronized void add(RobotToken token) {
        robots.put(token.id(), token);
    }

    @Override
    public synchronized Optional<RobotToken> findBySecret(String secretSha256) {
        return robots.values().stream().filter(t -> t.secretSha256().equals(secretSha256)).findFirst();
    }

    @Override
    public synchronized Optional<RobotToken> find(UUID id) {
        return Optional.ofNullable(robots.get(id));
    }

    @Override
    public synchronized boolean revoke(UUID id, Instant at) {
        RobotToken token = robots.get(id);
        if (token == null || token.revokedAt().isPresent()) {
            return false;
        }
        robots.put(id, new RobotToken(id, token.user(), token.secretSha256(), token.description(), token.scope(),
                token.createdAt(), token.expiresAt(), Optional.of(at)));
        return true;
    }

    @Override
    public synchronized List<RobotToken> list(String user) {
        return robots.values().stream().filter(t -> t.user().equals(user)).toList();
    }

    @Override
    public synchronized void record(String subject, Instant at) {
        failures.add(Map.entry(subject, at));
    }

    @Override
    public synchronized int countSince(String subject, Instant since) {
        return (int) failures.stream().filter(f -> f.getKey().equals(subject) && !f.getValue().isBefore(since)).count();
    }

    @Override
    public synchronized void clear(String subject) {
        failures.removeIf(f -> f.getKey().equals(subject));
    }

    @Override
    public synchronized long pruneBefore(Instant before) {
        int size = failures.size();
        failures.removeIf(f -> f.getValue().isBefore(before));
        return size - failures.size();
    }

    @Override
    public synchronized void record(Event event) {
        events.add(event);
    }

    @Override
    public synchronized void recordRepeated(Event event, String key, Instant since) {
        for (int i = events.size() - 1; i >= 0; i--) {
            Event e = events.get(i);
            if (key.equals(repeatKeys.get(e)) && !e.at().isBefore(since)) {
                Event counted = new Event(e.at(), e.actor(), e.address(), e.action(), e.target(), e.success(),
                        e.detail(), e.occurrences() + 1);
                events.set(i, counted);
                repeatKeys.put(counted, key);
                return;
            }
        }
        events.add(event);
        repeatKeys.put(event, key);
    }

    @Override
    public synchronized long deleteBefore(Instant before) {
        int size = events.size();
        events.removeIf(e -> e.at().isBefore(before));
        return size - events.size();
    }

    @Override
    public synchronized long deleteAllButNewest(long keep) {
        long excess = Math.max(0, events.size() - keep);
        events.subList(0, (int) excess).clear();
        return excess;
    }

    @Override
    public synchronized List<Event> recent(int limit) {
        return search(Filter.ALL, 0, limit);
    }

    @Override
    public synchronized List<Event> search(Filter filter, int offset, int limit) {
        return events.reversed().stream().filter(filter::matches)
                .skip(Math.max(0, offset)).limit(Math.max(0, Math.min(limit, MAX_PAGE))).toList();
    }

    @Override
    public synchronized long count(Filter filter) {
        return events.stream().filter(filter::matches).count();
    }
}
