package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code REGISTRY_AUTH=none} keeps the open mode of laptops and of setups behind an authenticating
 * proxy, and says so: anonymous pushes and pulls work, the start-up log warns, and every admin page
 * shows a banner, the users and grants pages that grants are not enforced.
 */
@ResourceLock(SharedBerth.LOCK)
class OpenModeIT {

    @Test
    void anybodyPushesAndPullsAndEveryAdminPageSaysSo() throws Exception {
        BerthProcess berth = SharedBerth.get();
        RegistryClient anonymous = new RegistryClient(berth);
        assertThat(berth.get("/v2/").statusCode()).isEqualTo(200);
        byte[] layer = "pushed without a login".getBytes(StandardCharsets.UTF_8);
        String digest = anonymous.pushBlob("open-mode/app", layer);
        assertThat(anonymous.get("/v2/open-mode/app/blobs/" + digest).body()).isEqualTo(layer);
        assertThat(berth.output()).contains("access:   OPEN (auth: none, no authentication)")
                .contains("Berth runs OPEN (auth: none)");

        Path scratch = Files.createDirectories(Path.of("target", "open-mode-browser").toAbsolutePath());
        try (Browser browser = Browser.open("http://127.0.0.1:" + berth.port(), scratch)) {
            browser.signIn("admin", SharedBerth.ADMIN_PASSWORD);
            for (String page : new String[]{"", "repositories", "audit"}) {
                browser.go("/admin/" + page);
                browser.waitForText(By.id("open-mode-banner"), "anybody who reaches this registry may push, pull and "
                        + "delete without signing in; users and grants are not enforced");
            }
            browser.screenshot("open-mode-banner");

            browser.go("/admin/users?user=admin");
            browser.waitFor(By.id("open-mode-banner"));
            browser.waitForText(By.id("grants-not-enforced"), "Grants are not enforced");
            browser.waitForText(By.id("grant-not-enforced"), "Not enforced while the registry runs open");
            browser.screenshot("open-mode-users");

            // plain HTTP: the certificates page says how to turn managed TLS on, and links to the docs
            browser.go("/admin/certificates");
            browser.waitForText(By.id("tls-managed-yaml"), "managed: true");
            browser.waitForText(By.id("tls-managed-env"), "REGISTRY_HTTP_TLS_MANAGED=true");
            String docs = browser.waitFor(By.id("tls-docs")).getAttribute("href");
            assertThat(docs).isEqualTo("http://127.0.0.1:" + berth.port() + "/docs/tls.md");
            assertThat(AdminPages.fetch(browser, docs)).contains("http.tls.managed");
            browser.screenshot("certificates-plain-http");
        }
    }
}
