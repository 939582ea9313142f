package dev.berth.deploy.system;

import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresMaintenanceStore;
import dev.berth.application.access.Administration;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.maintenance.SetReadOnly;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Maintenance page in a real Chromium: the read-only switch refuses skopeo's push (pulls go on)
 * until it is switched back, and an immutable tag rule added there refuses a push that would move
 * the tag until it is removed. Repositories start with ui-maint so that other tests of the shared
 * Berth are not touched; read-only mode is lifted after the test whatever happens.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminMaintenanceIT {

    private static AdminBerth berth;
    private static Browser browser;
    /** One tag per layout: tag() writes the layout's whole index. */
    private static OciImageLayout one;
    private static OciImageLayout two;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        one = OciImageLayout.create(berth.work().resolve("maintenance-it-one"));
        one.tag(one.image("amd64", 1401, 10_000), "one");
        two = OciImageLayout.create(berth.work().resolve("maintenance-it-two"));
        two.tag(two.image("amd64", 1402, 10_000), "two");
        browser = Browser.open(berth.base(), berth.work());
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            try (MetadataDatabase database = berth.openDatabase()) {
                new SetReadOnly(new PostgresMaintenanceStore(database), MaintenanceSettings.DEFAULTS,
                        new PostgresAuditLog(database), Clock.systemUTC()).set(Administration.SYSTEM, "test", false);
            }
        }
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void signOut() {
        AdminPages.reset(browser);
    }

    private static Commands.Result push(String layoutTag, String reference) throws Exception {
        return berth.push(layoutTag.equals("one") ? one : two, layoutTag, reference, AdminBerth.ADMIN,
                AdminBerth.ADMIN_PASSWORD);
    }

    private static void openMaintenance() {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        AdminPages.click(browser, By.cssSelector("vaadin-side-nav-item[path=maintenance]"));
        browser.waitFor(By.id("read-only-state"));
    }

    @Test
    void theReadOnlySwitchRefusesPushesUntilSwitchedBack() throws Exception {
        assertThat(push("one", "ui-maint/app:v1").exitCode()).isZero();
        openMaintenance();
        assertThat(AdminPages.text(browser, By.id("read-only-state"))).isEqualTo("writable");

        AdminPages.click(browser, By.id("read-only-toggle"));
        browser.feedback("The registry is read-only");
        browser.waitForText(By.id("read-only-state"), "read-only");
        browser.screenshot("maintenance-read-only");
        Commands.Result refused = push("two", "ui-maint/app:v2");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("registry is in read-only mode");
        assertThat(berth.inspect("ui-maint/app:v1", AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD).exitCode())
                .as("pulls go on").isZero();
        AdminPages.click(browser, By.cssSelector("vaadin-side-nav-item[path='']"));
        assertThat(AdminPages.text(browser, By.id("storage-read-only"))).startsWith("on");

        AdminPages.click(browser, By.cssSelector("vaadin-side-nav-item[path=maintenance]"));
        AdminPages.click(browser, By.id("read-only-toggle"));
        browser.feedback("takes writes again");
        browser.waitForText(By.id("read-only-state"), "writable");
        Commands.Result pushed = push("two", "ui-maint/app:v2");
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
    }

    @Test
    void anImmutableTagRuleAddedOnThePageKeepsTheTagUntilRemoved() throws Exception {
        assertThat(push("one", "ui-maint/immutable:v1").exitCode()).isZero();
        openMaintenance();
        // a pattern no repository name can match is refused at its field, and no rule is added
        browser.type(By.id("immutable-repositories"), "UI-Maint/*");
        browser.type(By.id("immutable-tags"), "v*");
        AdminPages.click(browser, By.id("immutable-add"));
        assertThat(browser.fieldError(By.id("immutable-repositories"), "may contain only"))
                .startsWith("Repository pattern 'UI-Maint/*' may contain only");
        assertThat(AdminPages.rows(browser, "immutable-rules-grid")).noneMatch(row -> row.contains("UI-Maint"));
        browser.type(By.id("immutable-repositories"), "ui-maint/*");
        AdminPages.click(browser, By.id("immutable-add"));
        browser.feedback("are immutable");
        assertThat(AdminPages.rows(browser, "immutable-rules-grid")).anySatisfy(row ->
                assertThat(row).contains("ui-maint/*", "v*"));
        browser.screenshot("maintenance-immutable");

        Commands.Result refused = push("two", "ui-maint/immutable:v1");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("tag ui-maint/immutable:v1 is immutable (rule ui-maint/*:v*)");

        AdminPages.click(browser, By.xpath("//*[@id='immutable-remove-ui-maint_*-v*']"));
        browser.feedback("may move and be deleted again");
        Commands.Result moved = push("two", "ui-maint/immutable:v1");
        assertThat(moved.exitCode()).as(moved.output()).isZero();
    }
}
