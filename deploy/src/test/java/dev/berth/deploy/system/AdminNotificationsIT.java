package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import dev.berth.application.event.EnvelopeFormat;
import dev.berth.application.event.EventAction;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.domain.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.berth.deploy.system.WebhookReceiver.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notifications page in a real Chromium (issue 13): a receiver that fails, its failed delivery
 * with the error and the next attempt, Retry now once it is healthy again, and each event arriving
 * once, in order. The endpoint waits an hour after its first failure, so only Retry now can deliver
 * within the test. Names start with ui-hooks so that other tests of the shared Berth are not touched.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminNotificationsIT {

    private static final String ENDPOINT = "ui-hooks";
    private static final String VIEWER = "ui-hooks-viewer";
    private static final String PASSWORD = "ui-hooks-password-1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private static AdminBerth berth;
    private static Browser browser;
    private static WebhookReceiver receiver;
    private static OciImageLayout layout;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        receiver = new WebhookReceiver();
        receiver.answer(500);
        // manifests only (blobs and pulls ignored), one failure before pausing for an hour
        berth.addWebhook(new NotificationEndpoint(ENDPOINT, URI.create(receiver.url()), Map.of(),
                Duration.ofSeconds(2), 1, Duration.ofHours(1), Set.of("application/octet-stream"),
                Set.of(EventAction.PULL), EnvelopeFormat.V2, Optional.empty(), false));
        layout = OciImageLayout.create(berth.work().resolve("notifications-it-layout"));
        layout.tag(layout.image("amd64", 1313, 20_000), "v1");
        berth.createUser(VIEWER, PASSWORD);
        browser = Browser.open(berth.base(), berth.work());
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.removeWebhook(ENDPOINT);
        }
        if (receiver != null) {
            receiver.close();
        }
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void signOut() {
        AdminPages.reset(browser);
    }

    private static void push(String reference) throws Exception {
        Commands.Result pushed = berth.push(layout, "v1", reference, AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
    }

    @Test
    void aFailedDeliveryShowsItsErrorAndNextAttemptAndRetryNowDeliversTheQueueInOrder() throws Exception {
        push("ui-hooks/app:1");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (receiver.deliveries().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(receiver.deliveries()).as("the first attempt, answered 500").hasSize(1);
        push("ui-hooks/app:2");

        browser.signIn(AdminBerth.ADMIN, AdminBerth.ADMIN_PASSWORD);
        AdminPages.click(browser, By.cssSelector("vaadin-side-nav-item[path=notifications]"));
        AdminPages.click(browser, By.xpath("//vaadin-grid[@id='endpoints-grid']"
                + "//vaadin-grid-cell-content[normalize-space()='" + ENDPOINT + "']"));
        browser.waitForText(By.id("endpoint-name"), ENDPOINT);
        assertThat(browser.driver().getCurrentUrl()).endsWith("/admin/notifications?endpoint=" + ENDPOINT);
        assertThat(AdminPages.text(browser, By.id("endpoint-failures"))).startsWith("1 in a row");
        assertThat(AdminPages.text(browser, By.id("endpoint-waiting"))).isEqualTo("2");
        Instant next = LocalDateTime.parse(AdminPages.text(browser, By.id("endpoint-next-attempt")), SHOWN)
                .toInstant(ZoneOffset.UTC);
        assertThat(next).isBetween(Instant.now().plus(Duration.ofMinutes(55)), Instant.now().plus(Duration.ofMinutes(61)));

        // newest first: the second push waits behind the first, which failed with the receiver's 500
        List<String> waiting = deliveryRows(2);
        assertThat(waiting.get(0)).contains("push", "ui-hooks/app", "| 2 |", "pending", "| 0 |",
                SHOWN.format(next.atOffset(ZoneOffset.UTC)));
        assertThat(waiting.get(1)).contains("push", "ui-hooks/app", "| 1 |", "failed", "| 1 |", "HTTP 500",
                SHOWN.format(next.atOffset(ZoneOffset.UTC)));
        assertThat(AdminPages.text(browser, By.id("deliveries-total"))).startsWith("2 deliveries");
        browser.screenshot("notifications-failed");

        receiver.answer(200);
        AdminPages.click(browser, By.id("retry-now"));
        browser.feedback("due now");
        browser.until(d -> {
            AdminPages.click(browser, By.id("notifications-refresh"));
            List<String> rows = AdminPages.rows(browser, "deliveries-grid");
            return rows.size() == 2 && rows.stream().allMatch(row -> row.contains("delivered"));
        });
        List<String> delivered = deliveryRows(2);
        assertThat(delivered.get(0)).contains("| 2 |", "HTTP 200");
        assertThat(delivered.get(1)).contains("| 1 |", "| 2 |", "HTTP 200");
        assertThat(browser.driver().findElements(By.id("retry-now"))).as("nothing waits").isEmpty();
        browser.screenshot("notifications-delivered");
        browser.resize(420, 800);
        browser.waitFor(By.id("notifications-refresh"));
        browser.screenshot("notifications-420");

        List<JsonObject> pushes = receiver.received().stream()
                .filter(e -> "push".equals(text(e, "action")) && "ui-hooks/app".equals(text(e, "target", "repository")))
                .toList();
        assertThat(pushes).extracting(e -> text(e, "target", "tag")).containsExactly("1", "2");
        Set<String> ids = new HashSet<>();
        assertThat(receiver.received()).allSatisfy(e -> assertThat(ids.add(text(e, "id"))).as("once").isTrue());

        assertThat(berth.audit()).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo(AdminBerth.ADMIN);
            assertThat(e.action()).isEqualTo("retry-deliveries");
            assertThat(e.target()).isEqualTo(ENDPOINT);
            assertThat(e.success()).isTrue();
        });
    }

    @Test
    void someoneWhoIsNoAdminIsTurnedAwayFromTheNotificationsPage() throws Exception {
        browser.signIn(VIEWER, PASSWORD);
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item[path=notifications]"))).isEmpty();
        browser.go("/admin/notifications?endpoint=" + ENDPOINT);
        browser.waitFor(By.id("not-allowed"));
        assertThat(browser.driver().findElements(By.id("endpoints-grid"))).isEmpty();
        assertThat(browser.driver().findElements(By.id("retry-now"))).isEmpty();
    }

    /** The deliveries grid's rows, newest first, once there are {@code count} of them. */
    private static List<String> deliveryRows(int count) {
        return browser.until(d -> {
            List<String> rows = AdminPages.rows(browser, "deliveries-grid");
            return rows.size() == count ? rows : null;
        });
    }
}
