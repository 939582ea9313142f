package dev.berth.deploy.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import java.util.List;

import static dev.berth.deploy.system.AdminBerth.ADMIN;
import static dev.berth.deploy.system.AdminBerth.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Settings page in a real Chromium: the configuration the shared admin Berth runs with (set by
 * environment variables), each key's value and source, defaults said as such, for administrators only.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminSettingsIT {

    private static AdminBerth berth;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        browser = Browser.open(berth.base(), berth.work());
        berth.createUser("settings-viewer", "settings-viewer-password");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void signOut() {
        AdminPages.reset(browser);
    }

    @Test
    void anAdminSeesEachKeysValueAndWhereItCameFrom() throws Exception {
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        AdminPages.click(browser, By.cssSelector("vaadin-side-nav-item[path=settings]"));
        assertThat(browser.waitFor(By.id("settings-file")).getText())
                .isEqualTo("No configuration file: the REGISTRY_* environment and Berth's defaults.");

        assertThat(filtered("http.tls.managed"))
                .containsExactly("| http.tls.managed | true | environment REGISTRY_HTTP_TLS_MANAGED |");
        assertThat(filtered("catalog.maxentries")).containsExactly("| catalog.maxentries | 1000 | default |");
        assertThat(filtered("storage.delete"))
                .containsExactly("| storage.delete.enabled | true | environment REGISTRY_STORAGE_DELETE_ENABLED |");
        // emptied by keys, as a user would (a cleared value fires no input event)
        browser.waitFor(By.id("settings-filter")).findElement(By.cssSelector("input"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        browser.until(d -> AdminPages.rows(browser, "settings-grid").size() > 5);
        browser.screenshot("settings");
        assertThat(browser.driver().getPageSource()).doesNotContain(ADMIN_PASSWORD);
    }

    @Test
    void someoneWhoIsNoAdminIsTurnedAway() throws Exception {
        browser.signIn("settings-viewer", "settings-viewer-password");
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item[path=settings]"))).isEmpty();
        browser.go("/admin/settings");
        browser.waitFor(By.id("not-allowed"));
        assertThat(browser.driver().findElements(By.id("settings-grid"))).isEmpty();
    }

    /** The grid's rows once the filter (applied lazily, after typing stops) has narrowed them to {@code text}. */
    private static List<String> filtered(String text) {
        browser.type(By.id("settings-filter"), text);
        return browser.until(d -> {
            List<String> rows = AdminPages.rows(browser, "settings-grid");
            return !rows.isEmpty() && rows.stream().allMatch(row -> row.contains(text)) ? rows : null;
        });
    }
}
