package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import dev.berth.application.access.CreateRobotToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Signing in and out of the admin UI in a real Chromium, with the registry's own users. */
@ResourceLock(AdminBerth.LOCK)
class AdminSignInIT {

    private static AdminBerth berth;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        browser = Browser.open(berth.base(), berth.work());
        berth.createUser("viewer", "viewer-password");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void pagesNeedASignInAndAWrongPasswordIsRefused() throws Exception {
        browser.go("/admin/");
        browser.waitFor(By.cssSelector("vaadin-login-form"));
        assertThat(browser.driver().getCurrentUrl()).contains("/admin/login");

        // keyboard only: the name, Tab to the password, Enter
        browser.type(By.cssSelector("vaadin-login-form vaadin-text-field"), "admin");
        browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
        browser.driver().switchTo().activeElement().sendKeys("wrong-password", Keys.ENTER);
        browser.waitFor(By.cssSelector("vaadin-login-form[error]"));
        browser.screenshot("sign-in-refused");
        assertThat(browser.driver().getCurrentUrl()).contains("/admin/login");
    }

    @Test
    void aRobotSecretIsNoPasswordForSigningIn() throws Exception {
        CreateRobotToken.Created robot = berth.robotToken(AdminBerth.ADMIN, "ci/*:pull");
        browser.go("/admin/");
        browser.waitFor(By.cssSelector("vaadin-login-form"));

        browser.type(By.cssSelector("vaadin-login-form vaadin-text-field"), AdminBerth.ADMIN);
        browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
        browser.driver().switchTo().activeElement().sendKeys(robot.secret(), Keys.ENTER);
        browser.waitFor(By.cssSelector("vaadin-login-form[error]"));
        browser.screenshot("sign-in-with-a-robot-secret-refused");

        assertThat(browser.driver().getCurrentUrl()).contains("/admin/login");
        assertThat(browser.driver().findElements(By.id("signed-in-user"))).isEmpty();
        assertThat(berth.audit()).anyMatch(e -> e.actor().equals(AdminBerth.ADMIN) && e.action().equals("login")
                && !e.success() && e.detail().contains("robot token"));
        // the robot secret still works where it belongs: the registry API, within its scope
        assertThat(berth.get("/v2/", AdminBerth.basic(AdminBerth.ADMIN, robot.secret())).statusCode()).isEqualTo(200);
    }

    @Test
    void anAdminSignsInSeesTheOverviewAndSignsOut() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        assertThat(browser.waitFor(By.id("signed-in-user")).getText()).isEqualTo("admin (admin)");
        assertThat(browser.waitFor(By.id("storage-writable")).getText()).isEqualTo("yes");
        assertThat(browser.waitFor(By.id("stat-repositories")).getText()).matches("\\d+");
        assertThat(browser.waitFor(By.id("stat-stored")).getText()).matches("\\d+(\\.\\d)? k?M?G?B");
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item[path=users]"))).hasSize(1);
        browser.screenshot("overview-admin");

        browser.signOut();
        browser.go("/admin/");
        browser.waitFor(By.cssSelector("vaadin-login-form"));
        assertThat(browser.driver().getCurrentUrl()).contains("/admin/login");
    }

    @Test
    void anUnknownAddressShowsNotFoundInsideTheFrameAndTheTabHasBerthsIcon() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        browser.go("/admin/no-such-page");
        assertThat(browser.waitFor(By.id("not-found")).getText()).isEqualTo("There is no page at this address");
        assertThat(browser.waitFor(By.id("not-found-path")).getText()).isEqualTo("/admin/no-such-page");
        // inside the layout: who is signed in and the navigation are there
        assertThat(browser.waitFor(By.id("signed-in-user")).getText()).isEqualTo("admin (admin)");
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item[path=repositories]"))).hasSize(1);
        assertThat(browser.driver().getTitle()).isEqualTo("Berth · Not found");
        browser.screenshot("not-found");

        String icon = (String) browser.script("return document.querySelector('link[rel=icon]').href");
        assertThat(icon).isEqualTo(berth.base() + "/icons/berth.svg");
        HttpResponse<String> served = berth.get(java.net.URI.create(icon).getPath());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/svg+xml"));
        assertThat(served.body()).startsWith("<svg");
        browser.signOut();
    }

    @Test
    void aUserWhoIsNoAdminSeesNoAdministration() throws Exception {
        browser.signIn("viewer", "viewer-password");
        assertThat(browser.waitFor(By.id("signed-in-user")).getText()).isEqualTo("viewer");
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item[path=users]"))).isEmpty();
        browser.screenshot("overview-viewer");
        browser.signOut();
    }
}
