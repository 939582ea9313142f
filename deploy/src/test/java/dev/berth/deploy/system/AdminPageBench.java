package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.ScriptTimeoutException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark, not a test (its name keeps it out of {@code verify}; run by deploy/bench/admin-page-bench.sh):
 * how long each admin page takes to become interactive in Chromium on a Berth holding 100 000
 * repositories and one repository with 1 000 tags. It prints the figures and asserts no time.
 *
 * <p>A full load is {@code driver.get(url)} in a browser that has shown every page once, the way a returning
 * admin reloads or opens a bookmark: the production bundle comes from the browser's cache (warm). The cold
 * column clears the browser's cache (HTTP and compiled-script caches) first, as on a first visit; the TLS
 * connection may be reused in both. Berth runs with the JVM's default JIT, as shipped.
 *
 * <p>Interactive means: the page's own data is on screen (its marker element shows its first row or
 * value) and Vaadin has no request in flight. Times come from the browser's clock
 * ({@code performance.now()}), so WebDriver's round trips are not counted: from the start of the
 * navigation for a full load, from the moment the route changes for a move inside the admin UI (as a
 * click in the menu does). Every page's marker is its own, so a move cannot stop early on the page it
 * leaves.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminPageBench {

    private static final int REPOSITORIES = 100_000;
    private static final int TAGS = 1_000;
    private static final int ROUNDS = Integer.getInteger("berth.bench.rounds", 5);

    /** The page's marker shows its text (or just shows) and Vaadin has no request in flight. */
    private static final String READY = """
            const idle = () => { const f = window.Vaadin && window.Vaadin.Flow;
                return f && f.clients && Object.values(f.clients).every(c => !c.isActive || !c.isActive()); };
            const ready = (selector, text) => { const e = document.querySelector(selector);
                return e && e.getBoundingClientRect().height > 0 && (!text || e.textContent.includes(text)) && idle(); };
            """;

    /** Waits until READY after a full load; resolves with performance.now(), the time since navigation start. */
    private static final String INTERACTIVE = READY + """
            const [selector, text, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
            const poll = () => ready(selector, text) ? done(performance.now()) : setTimeout(poll, 2);
            poll();
            """;

    /** Moves inside the single-page admin UI as a menu click does, then waits until READY; resolves with the time taken. */
    private static final String NAVIGATE = READY + """
            const [path, selector, text, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
            const start = performance.now();
            history.pushState({}, '', path);
            window.dispatchEvent(new PopStateEvent('popstate', {state: {}}));
            const poll = () => ready(selector, text) ? done(performance.now() - start) : setTimeout(poll, 2);
            setTimeout(poll, 0);
            """;

    private record Page(String name, String path, String marker, String text) {
    }

    @Test
    void everyAdminPage() throws Exception {
        AdminBerth berth = AdminBerth.asShipped();
        berth.sql("INSERT INTO repository (name) SELECT 'bulk/repo-' || lpad(i::text, 6, '0') FROM generate_series(1, "
                + REPOSITORIES + ") AS i ON CONFLICT DO NOTHING");
        Path scratch = Files.createDirectories(berth.work().resolve("page-bench"));
        OciImageLayout layout = OciImageLayout.create(scratch.resolve("layout"));
        OciImageLayout.Blob image = layout.image("amd64", 701, 100_000);
        layout.tag(image, "t");
        Commands.Result pushed = berth.push(layout, "t", "bench/many-tags:v0000", AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
        // 999 more tags of the same image, written as a push writes them (the tag rows), in one statement
        berth.sql("INSERT INTO tag (repository_id, name, manifest_digest, updated_at) "
                + "SELECT t.repository_id, 'v' || lpad(i::text, 4, '0'), t.manifest_digest, now() - make_interval(secs => i) "
                + "FROM tag t JOIN repository r ON r.id = t.repository_id, generate_series(1, " + (TAGS - 1) + ") AS i "
                + "WHERE r.name = 'bench/many-tags' AND t.name = 'v0000' ON CONFLICT DO NOTHING");

        List<Page> pages = List.of(
                // the floor: the frame every page has, with a line of text in it and no data
                new Page("Layout only (an unknown address)", "/admin/no-such-page", "#not-found", null),
                new Page("Overview", "/admin/", "#gc-run-now", null),
                new Page("Repositories (100 000)", "/admin/repositories", "#repositories", "bulk/repo-000001"),
                new Page("Repository (1 000 tags)", "/admin/repository/bench/many-tags", "#tags", "v0"),
                new Page("Manifest", "/admin/manifest/" + image.digest() + "/bench/many-tags", "#manifest-title", null),
                new Page("Users", "/admin/users", "#tab-users", null),
                new Page("Audit log", "/admin/audit", "#audit-grid", "login"),
                new Page("Certificates", "/admin/certificates", "#served-section", null),
                new Page("Notifications", "/admin/notifications", "#notifications-refresh", null),
                new Page("Maintenance", "/admin/maintenance", "#read-only-state", null),
                new Page("Storage usage", "/admin/usage", "#usage-totals", null),
                new Page("Retention", "/admin/retention", "#policy-pattern", null),
                new Page("Settings", "/admin/settings", "#settings-grid", "default"));

        try (Browser browser = Browser.open(berth.base(), berth.work())) {
            browser.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
            for (Page page : pages) { // one visit each first: caches and compiled code, as for a user who works a while
                load(browser, page);
            }
            StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                    "| page | full load, median (max) ms | full load, cold cache, median (max) ms "
                            + "| move in the admin UI, median (max) ms |%n|---|---|---|---|%n"));
            for (Page page : pages) {
                List<Double> loads = new ArrayList<>();
                List<Double> coldLoads = new ArrayList<>();
                List<Double> moves = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    loads.add(load(browser, page));
                    browser.driver().executeCdpCommand("Network.clearBrowserCache", Map.of());
                    coldLoads.add(load(browser, page));
                    Page away = pages.get((pages.indexOf(page) + 1) % pages.size());
                    move(browser, away);
                    moves.add(move(browser, page));
                }
                report.append(String.format(Locale.ROOT, "| %s | %.0f (%.0f) | %.0f (%.0f) | %.0f (%.0f) |%n", page.name(),
                        median(loads), max(loads), median(coldLoads), max(coldLoads), median(moves), max(moves)));
            }
            System.out.println("admin page bench (" + ROUNDS + " rounds, " + REPOSITORIES + " repositories, "
                    + TAGS + " tags):\n" + report);
            Files.writeString(Path.of("target", "admin-page-bench.md"), report);
        }
    }

    /** Milliseconds, or NaN (printed as such) when the page never became interactive within the script timeout. */
    private static double load(Browser browser, Page page) {
        browser.go(page.path());
        return measured(browser, INTERACTIVE, page.marker(), page.text());
    }

    private static double move(Browser browser, Page page) {
        return measured(browser, NAVIGATE, page.path(), page.marker(), page.text());
    }

    private static double measured(Browser browser, String script, Object... arguments) {
        try {
            return ((Number) browser.driver().executeAsyncScript(script, arguments)).doubleValue();
        } catch (ScriptTimeoutException e) {
            return Double.NaN;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
