package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import dev.berth.application.access.CreateRobotToken;
import dev.berth.application.port.AdminSessionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
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

    /**
     * What a browser meets when its node dies (or restarts) and the balancer sends it to another:
     * a session id the node does not know. The sign-in is in the shared database, its secret in an
     * HttpOnly cookie for /admin, so the browser lands signed in; a sign-out ends it for every node.
     */
    @Test
    void aBrowserWhoseSessionTheNodeLostStaysSignedInUntilItSignsOut() throws Exception {
        try {
            browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
            Cookie signIn = browser.driver().manage().getCookieNamed("berth_admin");
            assertThat(signIn).isNotNull();
            assertThat(signIn.isHttpOnly()).isTrue();
            assertThat(signIn.isSecure()).isTrue();
            assertThat(signIn.getPath()).isEqualTo("/admin");
            assertThat(signIn.getSameSite()).isEqualTo("Lax");
            assertThat(signIn.getExpiry()).as("gone when the browser closes").isNull();
            assertThat(signIn.getValue()).matches("[A-Za-z0-9_-]{43}");
            assertThat(browser.script("return document.cookie")).asString().doesNotContain("berth_admin");
            assertThat(berth.adminSession(sha256(signIn.getValue()))).as("stored by its hash")
                    .map(AdminSessionStore.StoredSession::user).contains(AdminBerth.ADMIN);

            // in an open page, the next click reaches a node that never saw this session: the click is
            // lost, the page reloads, and the node resumes the sign-in from the cookie
            browser.click(By.cssSelector("vaadin-side-nav-item[path=users]"));
            browser.waitFor(By.id("users-grid"));
            replaceSessionId("0123456789abcdef0123456789ab");
            browser.click(By.cssSelector("vaadin-side-nav-item[path=repositories]"));
            browser.until(d -> !d.manage().getCookieNamed("JSESSIONID").getValue().equals("0123456789abcdef0123456789ab"));
            assertThat(browser.waitFor(By.id("signed-in-user")).getText()).isEqualTo("admin (admin)");
            assertThat(browser.driver().getCurrentUrl()).doesNotContain("/admin/login");
            browser.click(By.cssSelector("vaadin-side-nav-item[path=repositories]"));
            browser.waitFor(By.id("repositories"));

            // a typed address, the same
            replaceSessionId("fedcba9876543210fedcba987654");
            browser.go("/admin/audit");
            browser.waitFor(By.id("audit-grid"));
            assertThat(browser.waitFor(By.id("signed-in-user")).getText()).isEqualTo("admin (admin)");

            // signed out here, the secret resumes nothing anywhere: replayed with a new session id, it shows the sign-in page
            browser.signOut();
            assertThat(browser.driver().manage().getCookieNamed("berth_admin")).as("removed from the browser").isNull();
            assertThat(berth.adminSession(sha256(signIn.getValue()))).isEmpty();
            browser.driver().manage().addCookie(new Cookie.Builder("berth_admin", signIn.getValue()).path("/admin")
                    .isHttpOnly(true).isSecure(true).build());
            replaceSessionId("00000000000000000000000000aa");
            browser.go("/admin/users");
            browser.waitFor(By.cssSelector("vaadin-login-form"));
            assertThat(browser.driver().getCurrentUrl()).contains("/admin/login");
        } finally {
            browser.driver().manage().deleteAllCookies(); // the next test starts signed out, whatever happened
        }
    }

    private static void replaceSessionId(String unknown) {
        Cookie current = browser.driver().manage().getCookieNamed("JSESSIONID");
        browser.driver().manage().deleteCookieNamed("JSESSIONID");
        browser.driver().manage().addCookie(new Cookie.Builder("JSESSIONID", unknown).path(current.getPath())
                .isHttpOnly(true).isSecure(current.isSecure()).sameSite("Lax").build());
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
