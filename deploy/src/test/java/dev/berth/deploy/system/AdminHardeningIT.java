package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.berth.deploy.system.AdminBerth.ADMIN;
import static dev.berth.deploy.system.AdminBerth.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, the admin UI's attack surface in a real Chromium: what the pages tell the browser
 * (framing, scripts' origins, referrers, the session cookie), Vaadin's CSRF check left on, and
 * HTML in image metadata shown as text, never run.
 */
@ResourceLock(AdminBerth.LOCK)
class AdminHardeningIT {

    private static final String PAYLOAD = "<img src=x onerror=window.__xss=1><b>bold</b>";
    private static AdminBerth berth;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        berth = AdminBerth.get();
        Path scratch = Files.createDirectories(berth.work().resolve("hardening-it"));
        OciImageLayout layout = OciImageLayout.create(scratch.resolve("layout"));
        layout.tag(layout.annotated(PAYLOAD, PAYLOAD), "t");
        Commands.Result pushed = berth.push(layout, "t", "ui-xss/app:v1", ADMIN, ADMIN_PASSWORD);
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
        browser = Browser.open(berth.base(), berth.work());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void signedOut() {
        AdminPages.reset(browser);
    }

    @Test
    void aReturningBrowserKeepsTheScriptBundleWithoutAskingAgain() throws Exception {
        String page = berth.get("/admin/login").body();
        Matcher script = Pattern.compile("src=\"\\./(VAADIN/build/indexhtml-[^\"]+\\.js)\"").matcher(page);
        assertThat(script.find()).as(page).isTrue();
        // hashed names: a new version ships new names, so the files can stay fresh for a year, unrevalidated
        HttpResponse<String> bundle = berth.get("/admin/" + script.group(1));
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().allValues("cache-control")).containsExactly("public, max-age=31536000, immutable");
        HttpResponse<String> missing = berth.get("/admin/VAADIN/build/no-such-file.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().allValues("cache-control")).noneMatch(value -> value.contains("max-age=31536000"));
    }

    @Test
    void pagesCannotBeFramedNorLoadFromElsewhereAndTheSessionCookieStaysWithThem() throws Exception {
        HttpResponse<String> page = berth.get("/admin/login");
        assertThat(page.statusCode()).isEqualTo(200);
        Map<String, List<String>> headers = page.headers().map();
        assertThat(headers.get("content-security-policy")).singleElement().asString()
                .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'");
        assertThat(headers.get("x-frame-options")).containsExactly("DENY");
        assertThat(headers.get("referrer-policy")).containsExactly("same-origin");
        assertThat(headers.get("x-content-type-options")).containsExactly("nosniff");
        assertThat(headers.get("set-cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("JSESSIONID=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
                .containsIgnoringCase("Secure"));

        // the policy does not stop the UI itself: signing in and a page switch still work
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        browser.click(By.cssSelector("vaadin-side-nav-item[path=users]"));
        browser.waitFor(By.id("users-grid"));
        assertThat(browser.script("return document.cookie")).asString().doesNotContain("JSESSIONID");
    }

    @Test
    void aRequestWithoutThePagesCsrfTokenDoesNothing() throws Exception {
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        // record the messages the page exchanges with its server
        browser.script("""
                window.__uidl = [];
                const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
                XMLHttpRequest.prototype.open = function (method, url) { this.__url = url; return open.apply(this, arguments); };
                XMLHttpRequest.prototype.send = function (body) {
                  if (typeof body === 'string' && body.includes('csrfToken')) {
                    const sent = {url: this.__url, body};
                    this.addEventListener('load', () => { sent.answer = this.responseText; window.__uidl.push(sent); });
                  }
                  return send.apply(this, arguments);
                };""");
        browser.click(By.cssSelector("vaadin-side-nav-item[path=audit]"));
        browser.waitFor(By.id("audit-grid"));
        Thread.sleep(1000); // the grid's own data request, if any, done
        @SuppressWarnings("unchecked")
        Map<String, String> last = (Map<String, String>) browser.script("return window.__uidl[window.__uidl.length - 1]");
        // the next message the page itself would send: one client id on, the server's last sync id, nothing to do
        String next = "{\"csrfToken\":\"%s\",\"rpc\":[],\"syncId\":%s,\"clientId\":%d}";
        String token = field(last.get("body"), "csrfToken");
        String syncId = field(last.get("answer"), "syncId");
        int clientId = Integer.parseInt(field(last.get("body"), "clientId")) + 1;

        String refused = post(last.get("url"), next.formatted("forged-by-another-site", syncId, clientId));
        String taken = post(last.get("url"), next.formatted(token, syncId, clientId));

        // refused before anything runs: the page is told to reload, no server state comes back (syncId -1)
        assertThat(refused).contains("\"appError\"").contains("\"syncId\":-1");
        assertThat(taken).as("the same message with the page's token is taken up").doesNotContain("appError")
                .contains("\"syncId\":" + (Integer.parseInt(syncId) + 1));
    }

    /** A top-level string or number field of a Flow message (its JSON is flat enough for a pattern). */
    private static String field(String json, String name) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern
                .compile("\"" + name + "\":\"?([^\",}]+)").matcher(json);
        assertThat(matcher.find()).as(name + " in " + json).isTrue();
        return matcher.group(1);
    }

    @Test
    void htmlInLabelsAndAnnotationsIsShownAsTextNeverRun() throws Exception {
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        browser.go("/admin/repository/ui-xss/app");
        browser.click(By.id("tag-link-v1"));

        assertThat(AdminPages.text(browser, By.id("config-labels"))).isEqualTo("note=" + PAYLOAD);
        assertThat(AdminPages.text(browser, By.id("annotations"))).contains(PAYLOAD);
        assertThat(browser.driver().findElements(By.cssSelector("img[src=x], main b, #annotations b"))).isEmpty();
        assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
        browser.screenshot("manifest-html-as-text");
    }

    /** A POST the signed-in page itself makes (its session cookie included); the answer's text. */
    private static String post(String url, String body) {
        return (String) browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/json; charset=UTF-8'},"
                + " body: arguments[1]}).then(r => r.text()).then(done, e => done('FAILED ' + e));", url, body);
    }
}
