package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browsing and deleting images in a real Chromium, on a Berth holding 100 000 repositories besides
 * the images a real client (skopeo) pushed.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminRepositoriesIT {

    private static final int BULK = 100_000;
    private static final String ADMIN = AdminBerth.ADMIN;
    private static final String PASSWORD = AdminBerth.ADMIN_PASSWORD;

    private static AdminBerth berth;
    private static Browser browser;
    private static OciImageLayout layout;
    private static OciImageLayout.Blob amd64;
    private static OciImageLayout.Blob arm64;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        // as many repositories as a big installation has, in one statement
        berth.sql("INSERT INTO repository (name) SELECT 'bulk/repo-' || lpad(i::text, 6, '0') FROM generate_series(1, "
                + BULK + ") AS i ON CONFLICT DO NOTHING");
        Path scratch = Files.createDirectories(berth.work().resolve("repositories-it"));
        layout = OciImageLayout.create(scratch.resolve("layout"));
        amd64 = layout.image("amd64", 601, 200_000, 50_000);
        arm64 = layout.image("arm64", 602, 120_000);
        push(amd64, "ui-browse/app:1.0");
        push(amd64, "ui-browse/app:latest");
        push(layout.index(List.of(amd64, arm64), List.of("amd64", "arm64")), "ui-browse/app:multi");
        push(amd64, "ui-delete/app:old");
        push(arm64, "ui-delete/app:keep");
        push(amd64, "ui-remove/app:1");
        push(arm64, "ui-remove/app:2");
        berth.createUser("ui-reader", "ui-reader-password", "ui-browse/*:pull");
        browser = Browser.open(berth.base(), berth.work());
        browser.signIn(ADMIN, PASSWORD);
    }

    private static void push(OciImageLayout.Blob image, String reference) throws Exception {
        layout.tag(image, "t");
        Commands.Result pushed = berth.push(layout, "t", reference, ADMIN, PASSWORD);
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void wideAgain() {
        browser.resize(1280, 800);
    }

    @Test
    void findARepositoryBySearchOpenATagAndSeeItsLayersAndConfiguration() throws Exception {
        browser.go("/admin/repositories");
        browser.type(By.id("repository-search"), "ui-browse");
        browser.waitForText(By.id("repositories"), "ui-browse/app");
        assertThat(gridText("repositories")).doesNotContain("bulk/repo-");
        browser.screenshot("repositories-search");
        browser.click(By.linkText("ui-browse/app"));

        browser.waitForText(By.id("repository-name"), "ui-browse/app");
        browser.waitForText(By.id("tags"), "multi");
        String tags = gridText("tags");
        assertThat(tags).contains("1.0", "latest", "multi", "OCI index", "linux/amd64, linux/arm64",
                amd64.digest().substring(0, "sha256:".length() + 12));
        assertThat(browser.waitFor(By.id("pull-command")).getText())
                .isEqualTo("docker pull " + berth.host() + "/ui-browse/app:latest");
        browser.screenshot("repository-tags");

        browser.click(By.id("tag-link-1.0"));
        browser.waitForText(By.id("manifest-digest"), amd64.digest());
        assertThat(browser.waitFor(By.id("manifest-tags")).getText()).isEqualTo("1.0, latest");
        assertThat(browser.waitFor(By.id("config-platform")).getText()).isEqualTo("linux/amd64");
        assertThat(browser.waitFor(By.id("config-cmd")).getText()).isEqualTo("/layer0/data-601.bin");
        assertThat(browser.waitFor(By.id("config-labels")).getText()).isEqualTo("dev.berth.test=601");
        String layers = gridText("layers");
        assertThat(layers).contains("application/vnd.oci.image.layer.v1.tar+gzip");
        assertThat(Pattern.compile("sha256:[0-9a-f]{64}").matcher(layers).results().count()).isEqualTo(2);
        assertThat(browser.waitFor(By.id("pull-command")).getText())
                .isEqualTo("docker pull " + berth.host() + "/ui-browse/app@" + amd64.digest());
        browser.screenshot("manifest-image");

        browser.go("/admin/repository/ui-browse/app");
        browser.click(By.id("tag-link-multi"));
        browser.waitForText(By.id("platforms"), "linux/arm64");
        assertThat(gridText("platforms")).contains("linux/amd64", "linux/arm64");
        browser.screenshot("manifest-index");

        browser.resize(420, 800);
        browser.go("/admin/repository/ui-browse/app");
        browser.waitForText(By.id("tags"), "latest");
        browser.screenshot("repository-tags-narrow");
    }

    @Test
    void aTagDeletedInTheBrowserCannotBePulledAnyMoreAndTheOtherTagStays() throws Exception {
        assertThat(berth.inspect("ui-delete/app:old", ADMIN, PASSWORD).exitCode()).isZero();
        browser.go("/admin/repository/ui-delete/app");
        browser.click(By.id("delete-tag-old"));
        WebElement dialog = browser.waitFor(By.id("deletion-summary"));
        assertThat(dialog.getText()).isNotBlank();
        assertThat(browser.waitFor(By.id("deletion-removed")).getText()).contains("old");
        browser.screenshot("delete-tag-confirmation");
        browser.click(By.id("deletion-confirm"));
        browser.feedback("Tag old deleted");

        Commands.Result pull = berth.inspect("ui-delete/app:old", ADMIN, PASSWORD);
        assertThat(pull.exitCode()).isNotZero();
        assertThat(pull.output()).containsIgnoringCase("manifest unknown");
        assertThat(berth.inspect("ui-delete/app:keep", ADMIN, PASSWORD).exitCode()).isZero();
        browser.waitForText(By.id("tags"), "keep");
        assertThat(gridText("tags")).doesNotContain("old");
    }

    @Test
    void aManifestAndThenTheWholeRepositoryAreDeletedAfterConfirmation() throws Exception {
        browser.go("/admin/manifest/" + amd64.digest() + "/ui-remove/app");
        browser.click(By.id("delete-manifest"));
        assertThat(browser.waitFor(By.id("deletion-removed")).getText()).contains("tag 1");
        browser.screenshot("delete-manifest-confirmation");
        browser.click(By.id("deletion-confirm"));
        browser.feedback("Manifest " + amd64.digest().substring(0, "sha256:".length() + 12) + " deleted");
        browser.waitForText(By.id("repository-name"), "ui-remove/app");
        assertThat(berth.inspect("ui-remove/app@" + amd64.digest(), ADMIN, PASSWORD).exitCode()).isNotZero();
        assertThat(berth.inspect("ui-remove/app:2", ADMIN, PASSWORD).exitCode()).isZero();

        browser.click(By.id("delete-repository"));
        WebElement confirm = browser.waitFor(By.id("deletion-confirm"));
        assertThat(confirm.getAttribute("disabled")).as("enabled only once the name is typed").isNotNull();
        browser.type(By.id("deletion-type-name"), "ui-remove/ap");
        assertThat(confirm.getAttribute("disabled")).isNotNull();
        browser.type(By.id("deletion-type-name"), "ui-remove/app");
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), Browser.WAIT)
                .until(d -> confirm.getAttribute("disabled") == null);
        browser.screenshot("delete-repository-confirmation");
        confirm.click();
        browser.feedback("Repository ui-remove/app deleted");

        Commands.Result pull = berth.inspect("ui-remove/app:2", ADMIN, PASSWORD);
        assertThat(pull.exitCode()).isNotZero();
        assertThat(berth.get("/v2/_catalog?n=1000&last=ui-remove", AdminBerth.basic(ADMIN, PASSWORD)).body())
                .doesNotContain("ui-remove/app");
        browser.go("/admin/repository/ui-remove/app");
        browser.waitFor(By.id("repository-missing"));
    }

    @Test
    void aUserSeesOnlyTheRepositoriesTheyMayPullAndCannotDelete() throws Exception {
        try (Browser reader = Browser.open(berth.base(), berth.work())) {
            reader.signIn("ui-reader", "ui-reader-password");
            reader.go("/admin/repositories");
            reader.waitForText(By.id("repositories"), "ui-browse/app");
            Number size = (Number) reader.script("return arguments[0].size", reader.waitFor(By.id("repositories")));
            assertThat(size.longValue()).isEqualTo(1);
            reader.screenshot("repositories-reader");

            reader.go("/admin/repository/ui-browse/app");
            reader.waitForText(By.id("tags"), "latest");
            assertThat(reader.driver().findElements(By.id("delete-repository"))).isEmpty();
            assertThat(reader.driver().findElements(By.id("delete-tag-latest"))).isEmpty();

            reader.go("/admin/repository/ui-delete/app");
            reader.waitFor(By.id("repository-missing"));
        }
    }

    @Test
    void theGridOf100000RepositoriesFetchesOnlyTheRowsItShows() throws Exception {
        long before = rowsFetched();
        browser.go("/admin/repositories");
        browser.waitForText(By.id("repositories"), "bulk/repo-000001");
        Number size = (Number) browser.script("return arguments[0].size", browser.waitFor(By.id("repositories")));
        assertThat(size.longValue()).as("the grid knows the total").isGreaterThanOrEqualTo(BULK);
        long opened = rowsFetched() - before;
        assertThat(opened).as("rows fetched to open the grid").isPositive().isLessThanOrEqualTo(200);
        browser.screenshot("repositories-100000");

        // jump to the middle, as a scroll bar drag does
        browser.script("arguments[0].scrollToIndex(50000)", browser.waitFor(By.id("repositories")));
        browser.waitForText(By.id("repositories"), "bulk/repo-0500");
        long paged = rowsFetched() - before;
        assertThat(paged).as("rows fetched after jumping to row 50 000").isLessThanOrEqualTo(500);

        // sorted by size, largest first: the pushed images come before the empty bulk repositories
        List<WebElement> sorters = browser.driver().findElements(By.cssSelector("#repositories vaadin-grid-sorter"));
        assertThat(sorters).as("name, size and last push sort").hasSize(3);
        sorters.get(1).click();
        sorters.get(1).click();
        browser.script("arguments[0].scrollToIndex(0)", browser.waitFor(By.id("repositories")));
        // the grid re-renders after each sort click: wait for the order, not for a name it showed before
        String top = browser.until(driver -> {
            String shown = gridText("repositories");
            int image = shown.indexOf("ui-browse/app");
            return image >= 0 && image < shown.indexOf("bulk/repo-") ? shown : null;
        });
        assertThat(top.indexOf("ui-browse/app")).as("largest first").isLessThan(top.indexOf("bulk/repo-"));
        assertThat(rowsFetched() - before).as("rows fetched after sorting").isLessThanOrEqualTo(800);
        browser.screenshot("repositories-by-size");
    }

    private static String gridText(String id) {
        return browser.waitFor(By.id(id)).getText();
    }

    private static long rowsFetched() throws Exception {
        String metrics = berth.get("/metrics").body();
        Matcher value = Pattern.compile("(?m)^berth_admin_repository_rows_fetched (\\d+)").matcher(metrics);
        assertThat(value.find()).as("metric in:\n" + metrics).isTrue();
        return Long.parseLong(value.group(1));
    }
}
