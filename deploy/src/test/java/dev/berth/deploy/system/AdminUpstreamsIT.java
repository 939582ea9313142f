package dev.berth.deploy.system;

import dev.berth.application.port.AuditLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.berth.deploy.system.AdminBerth.ADMIN;
import static dev.berth.deploy.system.AdminBerth.ADMIN_PASSWORD;
import static dev.berth.deploy.system.AdminBerth.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Upstreams page in a real Chromium on the shared admin Berth: an administrator adds an upstream
 * (Debian's docker-registry on loopback, with basic auth), refused values shown at their fields by
 * the configuration's rules; pulls go through it at once, without a restart; an edit moves it to
 * another prefix keeping its password unseen; removing it ends the mirroring. Each change is audited,
 * and the upstream's password shows nowhere.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminUpstreamsIT {

    private static final String USER = "mirror";
    private static final String PASSWORD = "upstream-ui-secret-3";

    private static AdminBerth berth;
    private static Browser browser;
    private static Path work;
    private static int upstreamPort;
    private static Process upstream;
    private static OciImageLayout source;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        browser = Browser.open(berth.base(), berth.work());
        berth.createUser("upstream-viewer", "upstream-viewer-password");
        work = Files.createDirectories(Path.of("target", "admin-upstreams").toAbsolutePath());
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        upstreamPort = BerthProcess.freePort();
        Path config = DistributionRegistry.writeBasicAuthConfig(work, upstreamPort, USER, PASSWORD);
        upstream = DistributionRegistry.start(config, work.resolve("upstream.log"), upstreamPort);
        source = OciImageLayout.create(work.resolve("source"));
        OciImageLayout.Blob image = source.image("amd64", 81, 300_000, 50_000);
        source.tag(image, "v1");
        copyToUpstream("library/app:v1");
        copyToUpstream("library/late:v1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (upstream != null) {
            DistributionRegistry.stop(upstream);
        }
    }

    @AfterEach
    void signOut() {
        AdminPages.reset(browser);
    }

    @Test
    void anAdminAddsAnUpstreamPullsThroughItEditsAndRemovesIt() throws Exception {
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        AdminPages.click(browser, By.cssSelector("vaadin-side-nav-item[path=upstreams]"));
        browser.waitFor(By.id("upstreams-grid"));

        browser.type(By.id("upstream-prefix"), "Hub!");
        browser.type(By.id("upstream-url"), "http://127.0.0.1:" + upstreamPort);
        browser.type(By.id("upstream-clientcert"), "/etc/berth/client.pem");
        browser.type(By.id("upstream-ttl"), "soon");
        AdminPages.click(browser, By.id("upstream-save"));
        assertThat(browser.fieldError(By.id("upstream-prefix"), "namespace")).contains("lowercase name components");
        assertThat(browser.fieldError(By.id("upstream-ttl"), "duration")).contains("found 'soon'");
        assertThat(browser.fieldError(By.id("upstream-clientcert"), "https")).contains("Only used with an https:// remoteurl");

        browser.type(By.id("upstream-prefix"), "mirror");
        clear(By.id("upstream-clientcert"));
        browser.type(By.id("upstream-username"), USER);
        browser.type(By.id("upstream-password"), PASSWORD);
        browser.type(By.id("upstream-ttl"), "1s");
        browser.type(By.id("upstream-maxsize"), "50MB");
        AdminPages.click(browser, By.id("upstream-save"));
        assertThat(browser.feedback("Upstream mirror/ added")).contains("http://127.0.0.1:" + upstreamPort);
        assertThat(row("mirror/")).contains("| mirror (password set) |").contains("| admin UI |")
                .contains("| 50.0 MB |");

        pullsByteForByte("mirror/library/app:v1", "pulled");

        AdminPages.click(browser, By.id("edit-upstream-mirror"));
        assertThat(AdminPages.value(browser, By.id("upstream-password"))).as("never shown back").isEmpty();
        browser.type(By.id("upstream-prefix"), "mirrors/hub");
        AdminPages.click(browser, By.id("upstream-save"));
        browser.feedback("Upstream mirrors/hub/ saved");
        row("mirrors/hub/");
        AdminPages.text(browser, By.id("upstreams-title")); // scrolled back up: the page from its title
        browser.screenshot("upstreams");
        pullsByteForByte("mirrors/hub/library/app:v1", "pulled-after-edit");
        assertThat(berth.sendAsAdmin("POST", "/v2/mirrors/hub/library/app/blobs/uploads/", null).statusCode())
                .as("a mirror takes no pushes").isEqualTo(405);

        AdminPages.click(browser, By.id("remove-upstream-mirrors-hub"));
        AdminPages.click(browser, By.id("confirm-remove-upstream"));
        browser.feedback("Upstream mirrors/hub/ removed");
        browser.until(d -> AdminPages.rows(browser, "upstreams-grid").isEmpty());
        assertThat(berth.sendAsAdmin("GET", "/v2/mirrors/hub/library/late/manifests/v1", null,
                "Accept", OciImageLayout.OCI_MANIFEST).statusCode()).as("no longer mirrored").isEqualTo(404);

        assertThat(browser.driver().getPageSource()).doesNotContain(PASSWORD);
        List<AuditLog.Event> changes = berth.audit().stream().filter(e -> e.action().startsWith("upstream.")).toList();
        assertThat(changes).extracting(AuditLog.Event::action, AuditLog.Event::target, AuditLog.Event::success)
                .contains(org.assertj.core.groups.Tuple.tuple("upstream.add", "mirror/", true),
                        org.assertj.core.groups.Tuple.tuple("upstream.edit", "mirrors/hub/", true),
                        org.assertj.core.groups.Tuple.tuple("upstream.remove", "mirrors/hub/", true));
        assertThat(changes).allSatisfy(e -> assertThat(e.detail()).doesNotContain(PASSWORD));
        assertThat(berth.process().output()).doesNotContain(PASSWORD);
    }

    @Test
    void someoneWhoIsNoAdminIsTurnedAway() throws Exception {
        browser.signIn("upstream-viewer", "upstream-viewer-password");
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item[path=upstreams]"))).isEmpty();
        browser.go("/admin/upstreams");
        browser.waitFor(By.id("not-allowed"));
        assertThat(browser.driver().findElements(By.id("upstreams-grid"))).isEmpty();
    }

    /** Emptied by keys, as a user would: a field cleared by script fires no change. */
    private static void clear(By field) {
        browser.waitFor(field).findElement(By.cssSelector("input")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    }

    /** The grid's row of {@code prefix}, once it shows. */
    private static String row(String prefix) {
        return browser.until(d -> AdminPages.rows(browser, "upstreams-grid")
                .stream().filter(r -> r.startsWith("| " + prefix + " |")).findFirst().orElse(null));
    }

    /** skopeo pulls REFERENCE through Berth as the admin: every blob is the upstream's, byte for byte. */
    private static void pullsByteForByte(String reference, String directory) throws Exception {
        OciImageLayout pulled = OciImageLayout.create(work.resolve(directory));
        Commands.Result result = berth.pull(reference, pulled.root(), ADMIN, ADMIN_PASSWORD);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(pulled.digests()).containsExactlyElementsOf(source.digests());
        for (String digest : source.digests()) {
            assertThat(pulled.read(digest)).as(digest).isEqualTo(source.read(digest));
        }
    }

    private static void copyToUpstream(String reference) throws Exception {
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "--dest-creds", USER + ":" + PASSWORD, "oci:" + source.root() + ":v1",
                "docker://127.0.0.1:" + upstreamPort + "/" + reference);
    }
}
