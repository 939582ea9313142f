package dev.berth.deploy.system;

import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresRetentionStore;
import dev.berth.adapters.db.PostgresStorageUsageStore;
import dev.berth.application.retention.RemoveRetentionPolicy;
import dev.berth.application.retention.RetentionPolicy;
import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.Quota;
import dev.berth.application.usage.SetNamespaceQuota;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Storage usage, quotas and retention on the packaged Berth, pushed to by skopeo and seen in a real
 * Chromium: usage is exact and deduplicated, a refused push, mount or manifest leaves nothing behind, and the retention
 * dry run lists exactly what the run then deletes.
 */
@ResourceLock(AdminBerth.LOCK)
class StorageUsageIT {

    private static final String ADMIN = AdminBerth.ADMIN;
    private static final String PASSWORD = AdminBerth.ADMIN_PASSWORD;
    private static final Caller ADMIN_CALLER = new Caller(Optional.of(new User(ADMIN, true, true)), List.of(),
            Optional.empty());
    private static final Pattern SIZE = Pattern.compile("\"size\":(\\d+)");

    private static AdminBerth berth;
    private static Browser browser;
    private static OciImageLayout layout;
    private static OciImageLayout.Blob small;
    private static OciImageLayout.Blob other;
    private static OciImageLayout.Blob refused;
    private static OciImageLayout.Blob mounted;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        layout = OciImageLayout.create(Files.createDirectories(berth.work().resolve("usage-it")).resolve("layout"));
        small = layout.image("amd64", 1401, 150_000, 40_000);
        other = layout.image("amd64", 1402, 90_000);
        refused = layout.image("amd64", 1403, 120_000);
        mounted = layout.image("amd64", 1404, 60_000);
        browser = Browser.open(berth.base(), berth.work());
        browser.signIn(ADMIN, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    private static void push(OciImageLayout.Blob image, String reference) throws Exception {
        layout.tag(image, "t");
        Commands.Result pushed = berth.push(layout, "t", reference, ADMIN, PASSWORD);
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
    }

    /** The config and layers' sizes, from the manifest's descriptors. */
    private static long blobBytes(OciImageLayout.Blob manifest) throws Exception {
        String json = Files.readString(blobPath(manifest.digest()));
        long sum = 0;
        Matcher m = SIZE.matcher(json);
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    private static Path blobPath(String digest) {
        return layout.root().resolve("blobs/sha256/" + digest.substring("sha256:".length()));
    }

    private static List<String> blobDigests(OciImageLayout.Blob manifest) throws Exception {
        Matcher m = Pattern.compile("\"digest\":\"(sha256:[0-9a-f]{64})\"").matcher(Files.readString(blobPath(manifest.digest())));
        List<String> digests = new ArrayList<>();
        while (m.find()) {
            digests.add(m.group(1));
        }
        return digests;
    }

    private static NamespaceUsage usage(String namespace) {
        try (MetadataDatabase database = berth.openDatabase()) {
            return new PostgresStorageUsageStore(database).namespace(namespace).orElseThrow();
        }
    }

    private static void setQuota(String namespace, Quota quota) {
        try (MetadataDatabase database = berth.openDatabase()) {
            new SetNamespaceQuota(new PostgresStorageUsageStore(database), new JpaTransactions(database),
                    new PostgresAuditLog(database), Clock.systemUTC()).set(ADMIN_CALLER, "test", namespace, quota);
        }
    }

    @Test
    void sharedLayersCountOncePerNamespaceAndTheNumbersAreExact() throws Exception {
        push(small, "usage-a/one:1");
        push(small, "usage-a/two:1");
        push(small, "usage-b/one:1");
        long manifest = small.size();
        long blobs = blobBytes(small);

        NamespaceUsage a = usage("usage-a");
        assertThat(a.repositories()).isEqualTo(2);
        assertThat(a.blobs()).isEqualTo(3);
        assertThat(a.blobBytes()).as("shared by two repositories, counted once").isEqualTo(blobs);
        assertThat(a.manifestBytes()).as("each repository holds its manifest").isEqualTo(2 * manifest);
        assertThat(usage("usage-b").storedBytes()).isEqualTo(blobs + manifest);

        HttpResponse<String> metrics = berth.get("/metrics");
        assertThat(metrics.body().lines().filter(l -> l.startsWith("berth_namespace_stored_bytes{namespace=\"usage-a\"} "))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))))
                .containsExactly((double) (blobs + 2 * manifest));

        browser.go("/admin/usage");
        browser.waitForText(By.id("namespace-usage"), "usage-a");
        assertThat(AdminPages.rows(browser, "namespace-usage")).anyMatch(row -> row.startsWith("| usage-a | 2 | 3 | "));
        assertThat(browser.driver().findElements(By.cssSelector("#usage-chart .berth-usage-bar[data-namespace='usage-a']")))
                .hasSize(1);
        browser.screenshot("usage");
    }

    @Test
    void aPushBeyondTheQuotaIsRefusedAndLeavesNothingBehind() throws Exception {
        push(other, "usage-q/app:1");
        NamespaceUsage before = usage("usage-q");
        setQuota("usage-q", new Quota(OptionalLong.of(before.storedBytes() + 1000), OptionalLong.empty()));

        Instant attempt = Instant.now();
        layout.tag(refused, "t");
        Commands.Result push = berth.push(layout, "t", "usage-q/app:2", ADMIN, PASSWORD);
        assertThat(push.exitCode()).isNotZero();
        assertThat(push.output()).contains("storage quota exceeded: namespace usage-q may store "
                + (before.storedBytes() + 1000) + " bytes");

        Path storage = berth.work().resolve("berth-data/registry");
        for (String digest : blobDigests(refused)) {
            HttpResponse<String> head = berth.get("/v2/usage-q/app/blobs/" + digest, AdminBerth.basic(ADMIN, PASSWORD));
            assertThat(head.statusCode()).as(digest).isEqualTo(404);
            String hex = digest.substring("sha256:".length());
            assertThat(storage.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex)).as("no content kept").doesNotExist();
        }
        assertThat(usage("usage-q")).isEqualTo(new NamespaceUsage("usage-q", before.repositories(), before.blobs(),
                before.blobBytes(), before.manifestBytes(), OptionalLong.of(before.storedBytes() + 1000),
                OptionalLong.empty()));
        List<Path> uploads = new ArrayList<>();
        if (Files.isDirectory(storage.resolve("uploads"))) {
            try (var files = Files.walk(storage.resolve("uploads"))) {
                files.filter(Files::isRegularFile)
                        .filter(f -> f.toFile().lastModified() >= attempt.toEpochMilli())
                        .forEach(uploads::add);
            }
        }
        assertThat(uploads).as("the refused upload's bytes are released").isEmpty();

        setQuota("usage-q", Quota.NONE);
        push(refused, "usage-q/app:2");
        assertThat(usage("usage-q").blobBytes()).isEqualTo(before.blobBytes() + blobBytes(refused));
    }

    @Test
    void aMountOrManifestBeyondTheQuotaIsRefusedAndChangesNothing() throws Exception {
        push(mounted, "usage-src/app:1");
        push(other, "usage-m/app:1");
        String layer = blobDigests(mounted).getLast();
        NamespaceUsage before = usage("usage-m");
        setQuota("usage-m", new Quota(OptionalLong.of(before.storedBytes() + 10), OptionalLong.empty()));

        HttpResponse<String> mount = berth.sendAsAdmin("POST",
                "/v2/usage-m/app/blobs/uploads/?mount=" + layer + "&from=usage-src/app", null);
        assertThat(mount.statusCode()).as(mount.body()).isEqualTo(403);
        assertThat(mount.body()).contains("\"code\":\"DENIED\"").contains("storage quota exceeded: namespace usage-m");
        assertThat(berth.sendAsAdmin("HEAD", "/v2/usage-m/app/blobs/" + layer, null).statusCode())
                .as("nothing mounted").isEqualTo(404);

        // the same config and layers, so only the manifest's own bytes are new: more than the 10 bytes of room
        String manifest = Files.readString(blobPath(other.digest()));
        String annotated = manifest.substring(0, manifest.length() - 1) + ",\"annotations\":{\"berth.test\":\"quota\"}}";
        String[] oci = {"Content-Type", OciImageLayout.OCI_MANIFEST};
        HttpResponse<String> put = berth.sendAsAdmin("PUT", "/v2/usage-m/app/manifests/2", annotated, oci);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(403);
        assertThat(put.body()).contains("\"code\":\"DENIED\"").contains("storage quota exceeded: namespace usage-m");
        assertThat(berth.sendAsAdmin("GET", "/v2/usage-m/app/manifests/2", null, "Accept", OciImageLayout.OCI_MANIFEST)
                .statusCode()).as("no tag made").isEqualTo(404);
        assertThat(berth.sendAsAdmin("PUT", "/v2/usage-m/app/manifests/again", manifest, oci).statusCode())
                .as("tagging a manifest the repository has costs nothing").isEqualTo(201);

        setQuota("usage-m", new Quota(OptionalLong.empty(), OptionalLong.of(before.repositories())));
        HttpResponse<String> newRepository = berth.sendAsAdmin("POST", "/v2/usage-m/second/blobs/uploads/", null);
        assertThat(newRepository.statusCode()).as(newRepository.body()).isEqualTo(403);
        assertThat(newRepository.body()).contains("repository quota exceeded: namespace usage-m may have "
                + before.repositories() + " repositories");
        assertThat(usage("usage-m")).isEqualTo(new NamespaceUsage("usage-m", before.repositories(), before.blobs(),
                before.blobBytes(), before.manifestBytes(), OptionalLong.empty(), OptionalLong.of(before.repositories())));
    }

    @Test
    void aQuotaIsSetInTheUsagePageAndShownAgainstUse() throws Exception {
        push(other, "usage-ui/app:1");
        browser.go("/admin/usage");
        browser.type(By.id("quota-namespace"), "usage-ui");
        // a size that is none is refused at its field, and no quota is set
        browser.type(By.id("quota-bytes"), "lots");
        browser.click(By.id("quota-save"));
        assertThat(browser.fieldError(By.id("quota-bytes"), "is no size")).startsWith("'lots' is no size");
        assertThat(usage("usage-ui").quotaBytes()).isEmpty();
        browser.type(By.id("quota-bytes"), "10 MB");
        browser.type(By.id("quota-repositories"), "3");
        browser.click(By.id("quota-save"));
        browser.feedback("Quota of usage-ui saved");
        assertThat(usage("usage-ui").quotaBytes()).hasValue(10_000_000);
        assertThat(usage("usage-ui").quotaRepositories()).hasValue(3);
        // the rows as the grid renders them, wherever the page has scrolled: other tests' namespaces come first
        browser.until(d -> AdminPages.rows(browser, "namespace-usage")
                .stream().anyMatch(row -> row.startsWith("| usage-ui |")
                        && row.contains("of 10.0 MB (1 %), 1 of 3 repositories")));
    }

    @Test
    void theRetentionDryRunListsExactlyWhatTheRunDeletes() throws Exception {
        push(other, "usage-r/app:release-1");
        for (int i = 1; i <= 4; i++) {
            push(i % 2 == 0 ? small : other, "usage-r/app:" + i);
        }
        browser.go("/admin/retention");
        browser.type(By.id("policy-pattern"), "usage-r/*");
        browser.type(By.id("policy-keep-last"), "2");
        // an expression that is none is refused at its field, and no policy is added
        browser.type(By.id("policy-keep-matching"), "release-(");
        browser.click(By.id("policy-add"));
        assertThat(browser.fieldError(By.id("policy-keep-matching"), "regular expression"))
                .startsWith("Not a regular expression");
        browser.screenshot("retention-expression-error");
        // no policy yet: the list is not even on the page (other tests' policies would be)
        assertThat(browser.driver().findElements(By.id("retention-policies"))).allSatisfy(policies ->
                assertThat(policies.getText()).doesNotContain("usage-r/*"));
        browser.type(By.id("policy-keep-matching"), "release-.*");
        browser.click(By.id("policy-add"));
        browser.feedback("Policy of usage-r/* added");
        browser.waitForText(By.id("retention-policies"), "the last 2 pushed, tags matching release-.*");

        browser.click(By.id("retention-dry-run"));
        browser.waitForText(By.id("retention-summary"), "would delete");
        List<String> dryRun = AdminPages.rows(browser, "retention-expired").stream()
                .filter(row -> row.startsWith("| usage-r/app |")).toList();
        assertThat(dryRun).extracting(row -> row.split(" \\| ")[1]).containsExactly("1", "2");

        browser.click(By.id("retention-run"));
        browser.click(By.id("confirm-retention-run"));
        browser.waitForText(By.id("retention-summary"), "Retention deleted");
        List<String> run = AdminPages.rows(browser, "retention-expired").stream()
                .filter(row -> row.startsWith("| usage-r/app |")).toList();
        assertThat(run).isEqualTo(dryRun);

        for (String tag : List.of("1", "2")) {
            assertThat(berth.inspect("usage-r/app:" + tag, ADMIN, PASSWORD).exitCode()).as(tag).isNotZero();
        }
        for (String tag : List.of("3", "4", "release-1")) {
            Commands.Result kept = berth.inspect("usage-r/app:" + tag, ADMIN, PASSWORD);
            assertThat(kept.exitCode()).as(kept.output()).isZero();
        }
        assertThat(berth.audit()).anyMatch(e -> e.action().equals("delete") && e.target().equals("usage-r/app:1"));

        try (MetadataDatabase database = berth.openDatabase()) {
            PostgresRetentionStore store = new PostgresRetentionStore(database);
            RetentionPolicy policy = store.policies().stream()
                    .filter(p -> p.repositories().equals(new RepositoryPattern("usage-r/*"))).findFirst().orElseThrow();
            new RemoveRetentionPolicy(store, new JpaTransactions(database), new PostgresAuditLog(database),
                    Clock.systemUTC()).remove(ADMIN_CALLER, "test", policy);
        }
    }
}
