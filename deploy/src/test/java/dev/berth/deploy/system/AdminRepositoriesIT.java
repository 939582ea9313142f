package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
    private static OciImageLayout.Blob multi;
    private static OciImageLayout.Blob sbom;

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
        multi = layout.index(List.of(amd64, arm64), List.of("amd64", "arm64"));
        push(multi, "ui-browse/app:multi");
        // tagged after the image: the pull command still offers the image
        sbom = layout.artifact("application/spdx+json", amd64, "{\"spdxVersion\":\"SPDX-2.3\"}");
        push(sbom, "ui-browse/app:sbom");
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
        assertThat(tags).contains("1.0", "latest", "multi", "OCI index", "SBOM (SPDX)",
                amd64.digest().substring(0, "sha256:".length() + 12));
        // an index's platforms as chips in a row that wraps
        WebElement platforms = browser.waitFor(By.id("platforms-multi"));
        assertThat(platforms.findElements(By.tagName("span"))).extracting(WebElement::getText)
                .containsExactly("linux/amd64", "linux/arm64");
        assertThat(platforms.getCssValue("flex-wrap")).isEqualTo("wrap");
        // the newest image's tag (the SBOM tagged later is nothing to run), and it pulls
        assertThat(browser.waitFor(By.id("pull-command")).getText())
                .isEqualTo("docker pull " + berth.host() + "/ui-browse/app:multi");
        Commands.Result pulled = berth.pull("ui-browse/app:multi", berth.work().resolve("repositories-it/pulled-multi"),
                ADMIN, PASSWORD);
        assertThat(pulled.exitCode()).as(pulled.output()).isZero();
        browser.screenshot("repository-tags");

        // the tag picker puts another tag in the command
        WebElement picker = browser.waitFor(By.id("pull-tag"));
        WebElement pickerInput = picker.findElement(By.cssSelector("input"));
        pickerInput.sendKeys(Keys.chord(Keys.CONTROL, "a"), "1.0");
        browser.until(d -> Boolean.TRUE.equals(browser.script(
                "return arguments[0].opened && !arguments[0].loading", picker)) ? true : null);
        pickerInput.sendKeys(Keys.ENTER);
        browser.waitForText(By.id("pull-command"), "/ui-browse/app:1.0");
        assertThat(browser.waitFor(By.id("pull-command")).getText())
                .isEqualTo("docker pull " + berth.host() + "/ui-browse/app:1.0");
        assertThat(berth.inspect("ui-browse/app:1.0", ADMIN, PASSWORD).exitCode()).isZero();
        browser.screenshot("repository-pull-tag-picked");

        // an artifact says what it is
        browser.click(By.id("tag-link-sbom"));
        browser.waitForText(By.id("manifest-digest"), sbom.digest());
        assertThat(browser.waitFor(By.id("manifest-type")).getText()).startsWith("SBOM (SPDX)");
        assertThat(browser.waitFor(By.id("manifest-artifact-type")).getText()).isEqualTo("application/spdx+json");
        assertThat(browser.waitFor(By.id("manifest-subject")).getText())
                .isEqualTo(amd64.digest().substring(0, "sha256:".length() + 12));
        browser.screenshot("manifest-artifact");
        browser.go("/admin/repository/ui-browse/app");

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
        assertThat(AdminPages.text(browser, By.id("manifest-listed-by"))).contains(short12(multi.digest()));
        browser.screenshot("manifest-image");

        // the image links back to its index; the index's size is its images' with its own apart
        AdminPages.click(browser, By.id("listed-by-" + multi.digest().substring("sha256:".length(), "sha256:".length() + 12)));
        browser.waitForText(By.id("manifest-digest"), multi.digest());
        browser.waitForText(By.id("platforms"), "linux/arm64");
        assertThat(gridText("platforms")).contains("linux/amd64", "linux/arm64");
        assertThat(browser.waitFor(By.id("manifest-size")).getText()).isEqualTo(multi.size() + " B");
        long total = multi.size() + pullSize(amd64) + pullSize(arm64);
        assertThat(browser.waitFor(By.id("manifest-total-size")).getDomAttribute("data-bytes"))
                .isEqualTo(String.valueOf(total));
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

        // its image stays, untagged: listed, counted without a reload, and deletable
        browser.waitForText(By.id("repository-facts"), "1 tag · 2 manifests");
        browser.waitForText(By.id("tab-untagged"), "Untagged manifests (1)");
        browser.click(By.id("tab-untagged"));
        browser.waitForText(By.id("untagged"), short12(amd64.digest()));
        assertThat(gridText("untagged")).contains("OCI image");
        browser.screenshot("repository-untagged");
        browser.click(By.id("delete-untagged-" + amd64.digest().substring("sha256:".length(), "sha256:".length() + 12)));
        browser.click(By.id("deletion-confirm"));
        browser.feedback("Manifest " + short12(amd64.digest()) + " deleted");
        browser.waitForText(By.id("repository-facts"), "1 tag · 1 manifest ·");
        browser.waitForText(By.id("tab-untagged"), "Untagged manifests (0)");
        browser.until(d -> ((Number) browser.script("return arguments[0].size", browser.waitFor(By.id("untagged"))))
                .intValue() == 0 ? true : null);
        assertThat(berth.inspect("ui-delete/app@" + amd64.digest(), ADMIN, PASSWORD).exitCode()).isNotZero();
        assertThat(berth.inspect("ui-delete/app:keep", ADMIN, PASSWORD).exitCode()).isZero();
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
    void theCommandsNameTheConfiguredPublicHostWhateverAddressTheBrowserTook() throws Exception {
        // AdminBerth runs with http.host https://localhost:PORT; this browser reaches it by its address
        try (Browser byAddress = Browser.open("https://127.0.0.1:" + berth.port(), berth.work())) {
            byAddress.signIn(ADMIN, PASSWORD);
            byAddress.go("/admin/repository/ui-browse/app");
            assertThat(byAddress.waitFor(By.id("pull-command")).getText())
                    .startsWith("docker pull " + berth.host() + "/ui-browse/app:");
            byAddress.go("/admin/manifest/" + amd64.digest() + "/ui-browse/app");
            assertThat(byAddress.waitFor(By.id("pull-command")).getText())
                    .isEqualTo("docker pull " + berth.host() + "/ui-browse/app@" + amd64.digest());
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
        assertThat(browser.driver().findElements(By.cssSelector("#repositories .berth-empty-repository")))
                .as("repositories without tags and manifests are marked").isNotEmpty()
                .allSatisfy(badge -> assertThat(badge.getText()).isEqualTo("empty"));
        browser.screenshot("repositories-100000");

        // jump to the middle, as a scroll bar drag does
        browser.script("arguments[0].scrollToIndex(50000)", browser.waitFor(By.id("repositories")));
        browser.waitForText(By.id("repositories"), "bulk/repo-0500");
        long paged = rowsFetched() - before;
        assertThat(paged).as("rows fetched after jumping to row 50 000").isLessThanOrEqualTo(500);

        // sorted by size, largest first: pushed images (this class's and other classes' in the shared
        // Berth) come before the empty bulk repositories, sizes falling row by row
        List<WebElement> sorters = browser.driver().findElements(By.cssSelector("#repositories vaadin-grid-sorter"));
        assertThat(sorters).as("name, size and last push sort").hasSize(3);
        sorters.get(1).click();
        sorters.get(1).click();
        browser.script("arguments[0].scrollToIndex(0)", browser.waitFor(By.id("repositories")));
        // the grid re-renders after each sort click: wait for the order, not for a name it showed before
        List<String> top = browser.until(driver -> {
            List<String> shown = AdminPages.rows(browser, "repositories");
            return shown.size() > 1 && !shown.get(0).contains("bulk/repo-") ? shown : null;
        });
        assertThat(top.stream().map(AdminRepositoriesIT::shownBytes).toList()).as("sizes in %s", top)
                .isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(rowsFetched() - before).as("rows fetched after sorting").isLessThanOrEqualTo(800);
        browser.screenshot("repositories-by-size");

        browser.go("/admin/repository/bulk/repo-000001");
        browser.waitFor(By.id("repository-empty"));
        assertThat(browser.waitFor(By.id("repository-facts")).getText()).startsWith("0 tags · 0 manifests");
        assertThat(browser.driver().findElements(By.id("pull-command"))).as("no tag to pull").noneMatch(WebElement::isDisplayed);
    }

    /** The size column of a grid row ("| name | tags | 372.4 kB | … |") in bytes, as the page rounds it. */
    private static double shownBytes(String row) {
        Matcher size = Pattern.compile("\\| ([\\d.]+) (B|kB|MB|GB) \\|").matcher(row);
        assertThat(size.find()).as("a size in " + row).isTrue();
        return Double.parseDouble(size.group(1)) * Math.pow(1000, List.of("B", "kB", "MB", "GB").indexOf(size.group(2)));
    }

    /** sha256: and 12 hex digits, as the pages show a digest. */
    private static String short12(String digest) {
        return digest.substring(0, "sha256:".length() + 12);
    }

    /** What a pull of an image transfers: its manifest, config and layers (the sizes its manifest lists). */
    private static long pullSize(OciImageLayout.Blob image) throws Exception {
        String manifest = new String(layout.read(image.digest()), java.nio.charset.StandardCharsets.UTF_8);
        return image.size() + Pattern.compile("\"size\":(\\d+)").matcher(manifest).results()
                .mapToLong(m -> Long.parseLong(m.group(1))).sum();
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
