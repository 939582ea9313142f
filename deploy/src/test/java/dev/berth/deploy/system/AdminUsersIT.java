package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresUserDirectory;
import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.application.access.Administration;
import dev.berth.application.access.CreateUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users page in a real Chromium: what an admin sets there decides what skopeo may push, robot
 * tokens made there work until revoked there, non-admins are turned away, and the audit page
 * shows who did it. Names start with ui- so that other tests of the shared Berth are not touched.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminUsersIT {

    private static final String PASSWORD = "ui-password-1";
    /** How skopeo reports a 401 or 403 (with the error body, or only the status of a HEAD). */
    private static final String REFUSED = "(?is).*(denied|unauthorized|forbidden).*";

    private static AdminBerth berth;
    private static Browser browser;
    private static OciImageLayout layout;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        browser = Browser.open(berth.base(), berth.work());
        layout = OciImageLayout.create(berth.work().resolve("users-it-layout"));
        layout.tag(layout.image("amd64", 4242, 20_000), "v1");
        try (MetadataDatabase database = berth.openDatabase()) {
            new CreateUser(new PostgresUserDirectory(database), new BcryptPasswordHasher(5),
                    new PostgresAuditLog(database), Clock.systemUTC())
                    .create(Administration.SYSTEM, "test", "ui-viewer", PASSWORD, false);
        }
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

    /** Through the UI: the create dialog, then a grant on the selected user. */
    private static void createUserWithGrant(String name, String pattern, boolean push) {
        browser.go("/admin/users");
        AdminPages.click(browser, By.id("create-user"));
        browser.type(By.id("new-user-name"), name);
        // a common password is refused at the field, and nothing is created
        browser.type(By.id("new-user-password"), "Password");
        browser.type(By.id("new-user-password2"), "Password");
        AdminPages.click(browser, By.id("new-user-save"));
        assertThat(browser.fieldError(By.id("new-user-password"), "most commonly used"))
                .startsWith("This password is one of the most commonly used ones");
        browser.type(By.id("new-user-password"), PASSWORD);
        browser.type(By.id("new-user-password2"), PASSWORD);
        AdminPages.click(browser, By.id("new-user-save"));
        browser.feedback("Created " + name);
        browser.waitForText(By.id("detail-name"), name);

        browser.type(By.id("grant-pattern"), pattern);
        if (push) {
            AdminPages.click(browser, By.id("grant-push"));
        }
        AdminPages.click(browser, By.id("add-grant"));
        browser.feedback("Granted " + pattern + ":pull" + (push ? ",push" : "") + " to " + name);
    }

    @Test
    void aUserCreatedWithAGrantPushesWhereGrantedAndNowhereElse() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        createUserWithGrant("ui-dev", "team-ui/*", true);
        assertThat(AdminPages.cells(browser, "grants-grid")).contains("team-ui/*", "pull, push");
        assertThat(AdminPages.cells(browser, "users-grid")).contains("ui-dev", "team-ui/*:pull,push");
        browser.screenshot("users-1280");
        browser.resize(420, 800);
        browser.waitFor(By.id("detail-name"));
        browser.screenshot("users-420");
        browser.resize(1280, 800);

        Commands.Result granted = berth.push(layout, "v1", "team-ui/app:1", "ui-dev", PASSWORD);
        assertThat(granted.exitCode()).as(granted.output()).isZero();
        Commands.Result elsewhere = berth.push(layout, "v1", "other-ui/app:1", "ui-dev", PASSWORD);
        assertThat(elsewhere.exitCode()).as(elsewhere.output()).isNotZero();
        assertThat(elsewhere.output()).matches(REFUSED).doesNotContain(PASSWORD);
    }

    @Test
    void formMistakesShowAtTheirFieldAndNothingIsCreated() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        browser.go("/admin/users");
        AdminPages.click(browser, By.id("create-user"));
        browser.type(By.id("new-user-name"), "ui-forms");
        browser.type(By.id("new-user-password"), "short");
        browser.type(By.id("new-user-password2"), "short");
        AdminPages.click(browser, By.id("new-user-save"));
        assertThat(browser.fieldError(By.id("new-user-password"), "8")).contains("8 characters");
        browser.screenshot("users-create-password-error");
        browser.type(By.id("new-user-name"), AdminBerth.ADMIN);
        browser.type(By.id("new-user-password"), PASSWORD);
        browser.type(By.id("new-user-password2"), PASSWORD);
        AdminPages.click(browser, By.id("new-user-save"));
        assertThat(browser.fieldError(By.id("new-user-name"), "exists already"))
                .isEqualTo("A user named " + AdminBerth.ADMIN + " exists already");
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-notification-card"))).isEmpty();
        new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
        AdminPages.waitUntilGone(browser, By.id("new-user-name"));
        assertThat(AdminPages.cells(browser, "users-grid")).doesNotContain("ui-forms");

        createUserWithGrant("ui-forms", "forms-ui/*", false);
        browser.type(By.id("grant-pattern"), "Team A/*");
        AdminPages.click(browser, By.id("add-grant"));
        assertThat(browser.fieldError(By.id("grant-pattern"), "may contain only"))
                .isEqualTo("Repository pattern 'Team A/*' may contain only a-z, 0-9, '.', '_', '-', '/' and '*'");
        browser.screenshot("users-grant-pattern-error");
        assertThat(AdminPages.cells(browser, "grants-grid")).doesNotContain("Team A/*");

        AdminPages.click(browser, By.id("create-token"));
        browser.type(By.id("token-description"), "broken scope");
        browser.type(By.id("token-scope"), "forms-ui/*");
        AdminPages.click(browser, By.id("token-create"));
        assertThat(browser.fieldError(By.id("token-scope"), "expected pattern:actions"))
                .isEqualTo("Grant 'forms-ui/*': expected pattern:actions, e.g. team-a/*:pull,push");
        browser.screenshot("token-scope-error");
        new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
        AdminPages.waitUntilGone(browser, By.id("token-scope"));
        assertThat(browser.driver().findElements(By.id("tokens-grid")).stream().noneMatch(g -> g.isDisplayed()))
                .as("no token was made").isTrue();
    }

    @Test
    void aRobotTokenMadeInTheUiPushesUntilItIsRevokedThere() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        createUserWithGrant("ui-ci", "ci-ui/*", true);

        AdminPages.click(browser, By.id("create-token"));
        browser.type(By.id("token-description"), "ui-pipeline");
        assertThat(AdminPages.value(browser, By.id("token-scope"))).isEqualTo("ci-ui/*:pull,push");
        AdminPages.click(browser, By.id("token-create"));
        String secret = AdminPages.value(browser, By.id("token-secret"));
        assertThat(secret).isNotBlank();
        assertThat(browser.waitFor(By.id("token-login-hint")).getText())
                .isEqualTo("echo \"$TOKEN\" | docker login -u ui-ci --password-stdin " + berth.host());
        browser.screenshot("token-secret");
        AdminPages.click(browser, By.id("token-secret-close"));
        AdminPages.waitUntilGone(browser, By.id("token-secret"));
        assertThat(AdminPages.cells(browser, "tokens-grid")).contains("ui-pipeline", "ci-ui/*:pull,push", "active")
                .noneMatch(cell -> cell.contains(secret));

        Commands.Result withToken = berth.push(layout, "v1", "ci-ui/app:1", "ui-ci", secret);
        assertThat(withToken.exitCode()).as(withToken.output()).isZero();

        // a disabled user's token is shown inactive and refused; enabled again, it works again
        AdminPages.click(browser, By.id("toggle-enabled"));
        AdminPages.click(browser, By.id("confirm-disable"));
        browser.feedback("ui-ci is disabled");
        browser.until(d ->
                AdminPages.cells(browser, "tokens-grid").contains("inactive"));
        assertThat(AdminPages.cells(browser, "tokens-grid")).doesNotContain("active");
        Commands.Result whileDisabled = berth.push(layout, "v1", "ci-ui/app:disabled", "ui-ci", secret);
        assertThat(whileDisabled.exitCode()).as(whileDisabled.output()).isNotZero();
        assertThat(whileDisabled.output()).matches(REFUSED).doesNotContain(secret);
        AdminPages.click(browser, By.id("toggle-enabled"));
        browser.feedback("ui-ci is enabled");
        browser.until(d ->
                AdminPages.cells(browser, "tokens-grid").contains("active"));

        AdminPages.click(browser, By.cssSelector("vaadin-button.revoke-token[data-description='ui-pipeline']"));
        AdminPages.click(browser, By.id("confirm-revoke-token"));
        browser.feedback("Revoked the token 'ui-pipeline'");
        browser.script("arguments[0].scrollIntoView({block: 'center'})", browser.waitFor(By.id("tokens-grid")));
        browser.screenshot("token-revoked");
        assertThat(AdminPages.cells(browser, "tokens-grid")).contains("revoked").doesNotContain("active");

        Commands.Result revoked = berth.push(layout, "v1", "ci-ui/app:2", "ui-ci", secret);
        assertThat(revoked.exitCode()).as(revoked.output()).isNotZero();
        assertThat(revoked.output()).matches(REFUSED).doesNotContain(secret);
    }

    @Test
    void someoneWhoIsNoAdminIsTurnedAwayFromTheUsersPage() throws Exception {
        browser.signIn("ui-viewer", PASSWORD);
        browser.go("/admin/users");
        browser.waitFor(By.id("not-allowed"));
        assertThat(browser.driver().findElements(By.id("users-grid"))).isEmpty();
        browser.screenshot("users-not-allowed");
        browser.go("/admin/audit");
        browser.waitFor(By.id("not-allowed"));
        assertThat(browser.driver().findElements(By.id("audit-grid"))).isEmpty();
    }

    @Test
    void theAuditLogFilteredByActorShowsWhoCreatedAUserAndGrantedWhat() throws Exception {
        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        createUserWithGrant("ui-audited", "audit-ui/*", false);

        browser.go("/admin/audit");
        browser.type(By.id("audit-actor"), AdminBerth.ADMIN);
        browser.waitForText(By.id("audit-total"), "events");
        // newest first: this test's own two events lead the list
        browser.until(d ->
                AdminPages.cells(browser, "audit-grid").contains("ui-audited"));
        List<String> cells = AdminPages.cells(browser, "audit-grid");
        assertThat(cells).contains("create-user", "grant", "ui-audited", "audit-ui/*:pull")
                .doesNotContain("ui-viewer");
        browser.screenshot("audit-by-actor-1280");

        browser.type(By.id("audit-action"), "grant");
        browser.waitFor(By.id("audit-action")).findElement(By.cssSelector("input")).sendKeys(Keys.ENTER);
        browser.until(d ->
                !AdminPages.cells(browser, "audit-grid").contains("create-user"));
        assertThat(AdminPages.cells(browser, "audit-grid")).contains("grant", "audit-ui/*:pull");

        // the export holds what the filters find, every row of it
        String csv = AdminPages.fetch(browser, browser.waitFor(By.id("audit-export-csv")).getAttribute("href"));
        assertThat(csv.lines().findFirst()).hasValue("time,actor,address,action,target,success,detail,occurrences");
        assertThat(csv.lines().skip(1).toList()).isNotEmpty()
                .allMatch(line -> line.contains(",admin,") && line.contains(",grant,"))
                .anyMatch(line -> line.contains(",grant,ui-audited,true,audit-ui/*:pull,1"));
        String json = AdminPages.fetch(browser, browser.waitFor(By.id("audit-export-json")).getAttribute("href"));
        assertThat(json).startsWith("[\n{\"time\":\"").contains("\"action\":\"grant\",\"target\":\"ui-audited\"")
                .doesNotContain("create-user").endsWith("}\n]\n");
        browser.resize(420, 800);
        browser.screenshot("audit-by-actor-420");

        browser.signOut();
        assertThat(berth.audit()).anyMatch(e -> e.actor().equals(AdminBerth.ADMIN) && e.action().equals("logout")
                && e.target().equals("admin UI") && e.success());
    }
}
