package dev.berth.adapters.db;

import dev.berth.application.browse.BrowseRepositories;
import dev.berth.application.browse.NamespaceSummary;
import dev.berth.application.browse.RepositoryQuery;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.RepositoryFilter;
import dev.berth.application.registry.ListRepositories;
import dev.berth.application.registry.PageRequest;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.Robot;
import dev.berth.domain.access.User;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository grid on a real PostgreSQL: V6 backfills the numbers of repositories that existed
 * before it, and with 100 000 repositories a page is read by an index and fetches only its rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresBrowsingTest {

    private static final Logger LOG = Logger.getLogger(PostgresBrowsingTest.class.getName());
    /** As many as {@link #hundredThousandRepositories} inserts. */
    private static final int REPOSITORIES = 100_000;
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final Caller ADMIN = new Caller(Optional.of(new User("root", true, true)), List.of(),
            Optional.empty());

    @TempDir
    static Path directory;
    private EmbeddedPostgres server;
    private MetadataDatabase database;
    private PostgresRepositoryCatalog catalog;
    /** What V6 made of the repositories V5 had. */
    private final Map<String, RepositorySummary> backfilled = new TreeMap<>();

    @BeforeAll
    void databaseMigratedFromV5WithContent() throws SQLException {
        server = EmbeddedPostgres.start(directory.resolve("data"), TestDatabase.BINARIES, 0);
        Flyway.configure(PostgresBrowsingTest.class.getClassLoader())
                .dataSource(server.jdbcUrl(), server.user(), server.password())
                .locations("classpath:db/migration")
                .target("5")
                .load()
                .migrate();
        sql("""
                INSERT INTO repository (name) VALUES ('legacy/app'), ('legacy/empty');
                INSERT INTO blob (digest, size) VALUES ('sha256:a', 100), ('sha256:b', 1000), ('sha256:c', 7);
                INSERT INTO repository_blob (repository_id, digest)
                    SELECT r.id, b.digest FROM repository r, blob b WHERE r.name = 'legacy/app' AND b.digest < 'sha256:c';
                INSERT INTO manifest (repository_id, digest, media_type, payload, pushed_at)
                    SELECT r.id, m.digest, 'application/vnd.oci.image.manifest.v1+json', m.payload, m.pushed_at
                    FROM repository r,
                         (VALUES ('sha256:m1', '\\x7b7d'::bytea, TIMESTAMPTZ '2026-01-01T00:00:00Z'),
                                 ('sha256:m2', '\\x616263'::bytea, TIMESTAMPTZ '2026-02-01T00:00:00Z'))
                             AS m(digest, payload, pushed_at)
                    WHERE r.name = 'legacy/app';
                INSERT INTO tag (repository_id, name, manifest_digest, updated_at)
                    SELECT r.id, t.name, t.digest, t.updated_at FROM repository r,
                         (VALUES ('latest', 'sha256:m1', TIMESTAMPTZ '2026-03-01T00:00:00Z'),
                                 ('v1', 'sha256:m2', TIMESTAMPTZ '2026-01-15T00:00:00Z')) AS t(name, digest, updated_at)
                    WHERE r.name = 'legacy/app';
                """);
        database = MetadataDatabase.open(new DatabaseSettings("embedded", "127.0.0.1:" + server.port(),
                server.jdbcUrl(), server.user(), server.password(), 4, SecretBox.ofBase64(SecretBox.newKey())));
        catalog = new PostgresRepositoryCatalog(database);
        catalog.browse(RepositoryFilter.ALL, RepositorySort.NAME, false, 0, 10)
                .forEach(summary -> backfilled.put(summary.name().value(), summary));
        // and the numbers stay right from there on: the triggers take over
        new PostgresTagStore(database).untag(new RepositoryName("legacy/app"), new Tag("v1"));
        backfilled.put("legacy/app after untag", catalog.summary(new RepositoryName("legacy/app")).orElseThrow());

        sql("TRUNCATE repository, blob CASCADE");
        hundredThousandRepositories();
    }

    /**
     * One INSERT. Sizes and push times are distinct but for a few, scattered by multiplying by a
     * prime modulo another; every tenth repository was never pushed to.
     */
    private void hundredThousandRepositories() throws SQLException {
        long start = System.nanoTime();
        sql("""
                INSERT INTO repository (name, tag_count, manifest_count, blob_bytes, last_push_at)
                SELECT 'ns' || (i % 100) || '/repo-' || lpad(i::text, 6, '0'), i % 5, i % 3 + 1,
                       (i::bigint * 7919) % 100003,
                       CASE WHEN i % 10 = 0 THEN NULL
                            ELSE TIMESTAMPTZ '2026-01-01T00:00:00Z' + ((i::bigint * 104729) % 100019) * INTERVAL '1 second'
                       END
                FROM generate_series(1, 100000) AS i;
                ANALYZE repository;
                """);
        LOG.info(() -> "Inserted " + REPOSITORIES + " repositories in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** The same rows, computed here. */
    private static List<RepositorySummary> expected() {
        return IntStream.rangeClosed(1, REPOSITORIES)
                .mapToObj(i -> new RepositorySummary(new RepositoryName("ns" + (i % 100) + "/repo-" + "%06d".formatted(i)),
                        i % 5, i % 3 + 1, (i * 7919L) % 100003,
                        i % 10 == 0 ? Optional.empty() : Optional.of(EPOCH.plusSeconds((i * 104729L) % 100019))))
                .toList();
    }

    private void sql(String statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement statement = connection.createStatement()) {
            statement.execute(statements);
        }
    }

    @AfterAll
    void stop() {
        if (database != null) {
            database.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void v6BackfillsTheNumbersOfExistingRepositories() {
        assertThat(backfilled.get("legacy/app")).isEqualTo(new RepositorySummary(new RepositoryName("legacy/app"), 2, 2,
                100 + 1000 + 2 + 3, Optional.of(Instant.parse("2026-03-01T00:00:00Z"))));
        assertThat(backfilled.get("legacy/empty")).isEqualTo(new RepositorySummary(new RepositoryName("legacy/empty"),
                0, 0, 0, Optional.empty()));
        assertThat(backfilled.get("legacy/app after untag").tags()).isEqualTo(1);
    }

    @Nested
    class HundredThousandRepositories {

        private final BrowseRepositories browse = new BrowseRepositories(catalog);

        @Test
        void everySortInBothDirectionsPagesRightAndFetchesOnlyThePage() {
            List<RepositorySummary> all = expected();
            for (RepositorySort sort : RepositorySort.values()) {
                for (boolean descending : List.of(false, true)) {
                    List<RepositorySummary> sorted = all.stream().sorted(sort.order(descending)).toList();
                    RepositoryQuery query = new RepositoryQuery("", "", sort, descending);
                    for (int offset : List.of(0, 50_000, REPOSITORIES - 30)) {
                        long fetchedBefore = browse.rowsFetched();
                        long start = System.nanoTime();

                        List<RepositorySummary> page = browse.page(ADMIN, query, offset, 50);

                        long millis = (System.nanoTime() - start) / 1_000_000;
                        LOG.info(() -> sort + (descending ? " desc" : " asc") + " offset " + offset + ": " + millis + " ms");
                        assertThat(page).as("%s %s at %d", sort, descending ? "desc" : "asc", offset)
                                .isEqualTo(sorted.subList(offset, Math.min(offset + 50, REPOSITORIES)));
                        assertThat(browse.rowsFetched() - fetchedBefore).isEqualTo(page.size());
                    }
                }
            }
            assertThat(browse.count(ADMIN, new RepositoryQuery("", "", null, false))).isEqualTo(REPOSITORIES);
        }

        @Test
        void theSortsByLastPushAndSizeReadTheirIndexes() throws SQLException {
            RepositoryConditions all = RepositoryConditions.of(RepositoryFilter.ALL);
            for (RepositorySort sort : List.of(RepositorySort.LAST_PUSH, RepositorySort.SIZE)) {
                for (boolean descending : List.of(false, true)) {
                    String plan = explain(PostgresRepositoryCatalog.browseSql(all, sort, descending) + " LIMIT 50");
                    assertThat(plan).as(plan)
                            .contains(sort == RepositorySort.SIZE ? "repository_by_size" : "repository_by_last_push")
                            .doesNotContain("Sort  ");
                }
            }
        }

        private String explain(String query) throws SQLException {
            StringBuilder plan = new StringBuilder();
            try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("EXPLAIN " + query)) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }

        @Test
        void aUserSeesWhatTheirGrantsCoverFilteredByTheDatabase() {
            Caller user = new Caller(Optional.of(new User("alice", true, false)),
                    List.of(Grant.parse("ns1/*:pull"), Grant.parse("ns42/repo-0000*:pull"), Grant.parse("*:push")),
                    Optional.empty());
            List<RepositorySummary> visible = expected().stream()
                    .filter(r -> user.allows(Action.PULL, r.name()))
                    .sorted(RepositorySort.SIZE.order(true))
                    .toList();
            RepositoryQuery bySize = new RepositoryQuery("", "", RepositorySort.SIZE, true);
            long fetchedBefore = browse.rowsFetched();

            assertThat(browse.count(user, bySize)).isEqualTo(1001).isEqualTo(visible.size());
            assertThat(browse.page(user, bySize, 0, 100)).isEqualTo(visible.subList(0, 100));
            assertThat(browse.page(user, bySize, 1000, 100)).isEqualTo(visible.subList(1000, 1001));
            assertThat(browse.rowsFetched() - fetchedBefore).isEqualTo(101);
            assertThat(browse.count(user, new RepositoryQuery("repo-00004", "ns42", null, false))).isEqualTo(1);
            assertThat(browse.namespaces(user)).containsExactly(new NamespaceSummary("ns1", 1000),
                    new NamespaceSummary("ns42", 1));
        }

        @Test
        void aCatalogPageIsOneQueryThatExaminesOnlyWhatTheCallerMaySee() {
            AtomicInteger queries = new AtomicInteger();
            RepositoryCatalog counted = (RepositoryCatalog) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[]{RepositoryCatalog.class}, (proxy, method, args) -> {
                        if (method.getName().equals("list")) {
                            queries.incrementAndGet();
                        }
                        try {
                            return method.invoke(catalog, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            ListRepositories list = new ListRepositories(counted);
            PageRequest first = PageRequest.of(Optional.empty(), OptionalInt.of(1),
                    new RegistrySettings(false, RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES, 1000, false));
            Caller robot = ADMIN.as(new Robot(UUID.randomUUID(), Grant.parseList("ns42/repo-0000*:pull")));
            Caller nothingHere = ADMIN.as(new Robot(UUID.randomUUID(), Grant.parseList("ci/*:pull")));

            assertThat(list.list(first, Caller.anonymous(List.of())).items()).isEmpty();
            assertThat(queries).as("nothing visible: no query at all").hasValue(0);
            assertThat(list.list(first, nothingHere).items()).isEmpty();
            assertThat(list.list(first, robot).items()).extracting(RepositoryName::value)
                    .containsExactly("ns42/repo-000042");
            assertThat(list.list(first, robot.withTokenAccess(List.of())).items()).as("whatever its token names")
                    .extracting(RepositoryName::value).containsExactly("ns42/repo-000042");
            assertThat(queries).as("one query a page, however much the caller may not see").hasValue(3);

            // of the 100 000 rows, PostgreSQL looks at those the caller may see (an index range), no others
            String nothing = explainAnalyze(RepositoryFilter.pullable(nothingHere, "", "").orElseThrow());
            assertThat(rowsExamined(nothing)).as(nothing).isZero();
            String one = explainAnalyze(RepositoryFilter.pullable(robot, "", "").orElseThrow());
            assertThat(rowsExamined(one)).as(one).isBetween(1L, 2L);
        }

        /** The catalog's query with its parameters bound, as PostgreSQL ran it. */
        private String explainAnalyze(RepositoryFilter filter) {
            RepositoryConditions conditions = RepositoryConditions.of(filter);
            List<?> lines = database.jpa().transaction(em -> conditions.bind(em.createNativeQuery(
                            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + PostgresRepositoryCatalog.listSql(conditions)
                                    + " LIMIT 2", String.class))
                    .setParameter("after", "")
                    .getResultList());
            return lines.stream().map(String::valueOf).collect(Collectors.joining("\n"));
        }

        /** Rows the plan's scans returned plus those their filters dropped. */
        private static long rowsExamined(String plan) {
            long rows = 0;
            for (String line : plan.split("\n")) {
                Matcher scan = Pattern.compile("Scan.*actual rows=(\\d+)").matcher(line);
                Matcher removed = Pattern.compile("Rows Removed by (?:Filter|Index Recheck): (\\d+)").matcher(line);
                if (scan.find()) {
                    rows += Long.parseLong(scan.group(1));
                }
                if (removed.find()) {
                    rows += Long.parseLong(removed.group(1));
                }
            }
            return rows;
        }

        @Test
        void namespacesAndSearchesCountInTheDatabase() {
            List<NamespaceSummary> namespaces = browse.namespaces(ADMIN);

            assertThat(namespaces).hasSize(100).allMatch(n -> n.repositories() == 1000);
            assertThat(namespaces.subList(0, 4)).extracting(NamespaceSummary::namespace)
                    .containsExactly("ns0", "ns1", "ns10", "ns11");
            assertThat(browse.count(ADMIN, new RepositoryQuery("", "ns7", null, false))).isEqualTo(1000);
            assertThat(browse.count(ADMIN, new RepositoryQuery("repo-09999", "", null, false))).isEqualTo(10);
            assertThat(browse.page(ADMIN, new RepositoryQuery("", "ns7", RepositorySort.NAME, false), 0, 2))
                    .extracting(r -> r.name().value()).containsExactly("ns7/repo-000007", "ns7/repo-000107");
        }
    }
}
