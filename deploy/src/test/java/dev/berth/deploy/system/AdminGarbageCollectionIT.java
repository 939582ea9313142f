package dev.berth.deploy.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Run garbage collection now" on the overview page, in a real Chromium: the run goes on while the page
 * shows its progress, then its result.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminGarbageCollectionIT {

    private static AdminBerth berth;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        browser = Browser.open(berth.base(), berth.work());
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void anAdministratorRunsGarbageCollectionWatchesItsProgressAndSeesItsResult() throws Exception {
        // entries due long ago for content that is gone: each review is quick, and thousands take seconds
        berth.sql("""
                INSERT INTO gc_blob_review (digest, queued_at, reason)
                SELECT 'sha256:' || encode(sha256(('progress ' || g)::text::bytea), 'hex'), now() - interval '2 days',
                       'queued for the progress test'
                FROM generate_series(1, %d) g""".formatted(DUE_ENTRIES));
        browser.go("/admin/");
        browser.waitFor(By.id("gc-run-now"));
        assertThat(AdminPages.text(browser, By.id("gc-queue"))).contains("blobs").contains("manifests");

        AdminPages.click(browser, By.id("gc-run-now"));

        browser.until(d -> REVIEWING.matcher(
                d.findElement(By.id("gc-progress")).getText()).find());
        assertThat(browser.driver().findElement(By.id("gc-run-now")).getDomAttribute("disabled"))
                .as("no second run while one goes").isNotNull();
        browser.screenshot("garbage-collection-progress");
        browser.waitForText(By.id("gc-last-run"), "by " + AdminBerth.ADMIN + ": freed ");
        assertThat(browser.feedback("Garbage collection done")).contains("Garbage collection done");
        Matcher done = Pattern.compile("^done: (\\d+) reviewed; freed \\d+ blobs").matcher(
                AdminPages.text(browser, By.id("gc-progress")));
        assertThat(done.find()).as(AdminPages.text(browser, By.id("gc-progress"))).isTrue();
        assertThat(Long.parseLong(done.group(1))).isGreaterThanOrEqualTo(DUE_ENTRIES);
        browser.screenshot("garbage-collection-run");
        browser.go("/admin/");
        browser.waitForText(By.id("gc-last-run"), "by " + AdminBerth.ADMIN + ": freed ");
    }

    private static final int DUE_ENTRIES = 6_000;
    /** Under way: some reviewed, the run not done. */
    private static final Pattern REVIEWING = Pattern.compile("^reviewing blobs: [1-9]\\d* reviewed; freed so far ");
}
