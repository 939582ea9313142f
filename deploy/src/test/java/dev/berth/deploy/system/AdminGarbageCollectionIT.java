package dev.berth.deploy.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/** "Run garbage collection now" on the overview page, in a real Chromium: the run happens and shows its result. */
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
    void anAdministratorRunsGarbageCollectionAndSeesItsResult() throws Exception {
        browser.go("/admin/");
        browser.waitFor(By.id("gc-run-now"));
        assertThat(AdminPages.text(browser, By.id("gc-queue"))).contains("blobs").contains("manifests");

        AdminPages.click(browser, By.id("gc-run-now"));

        browser.waitForText(By.id("gc-last-run"), "by " + AdminBerth.ADMIN + ": freed ");
        assertThat(AdminPages.feedback(browser, "Garbage collection done")).contains("Garbage collection done");
        browser.screenshot("garbage-collection-run");
        browser.go("/admin/");
        browser.waitForText(By.id("gc-last-run"), "by " + AdminBerth.ADMIN + ": freed ");
    }
}
