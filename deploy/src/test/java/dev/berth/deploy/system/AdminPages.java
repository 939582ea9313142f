package dev.berth.deploy.system;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.List;

/** Steps the admin page tests share, on top of {@link Browser}. */
final class AdminPages {

    private AdminPages() {
    }

    /**
     * Clicks an element after scrolling it to the middle of the window, clear of the notifications at
     * the bottom; it may be out of view at first (scrolled past), where Selenium takes it for hidden.
     */
    static void click(Browser browser, By locator) {
        browser.script("arguments[0].scrollIntoView({block: 'center'})", browser.until(
                ExpectedConditions.presenceOfElementLocated(locator)));
        browser.click(locator);
    }

    /** An element's text once it is there, scrolled into view first (out of view, Selenium reads no text). */
    static String text(Browser browser, By locator) {
        WebElement element = browser.until(ExpectedConditions.presenceOfElementLocated(locator));
        browser.script("arguments[0].scrollIntoView({block: 'center'})", element);
        return browser.waitFor(locator).getText();
    }

    /** The current value of a Vaadin field's input. */
    static String value(Browser browser, By field) {
        return browser.waitFor(field).findElement(By.cssSelector("input, textarea")).getDomProperty("value");
    }

    /** The texts of a grid's rendered cells, headers included, in document order. */
    static List<String> cells(Browser browser, String gridId) {
        // a refresh may replace cells between finding and reading them: read them again then
        return browser.until(d -> browser.waitFor(By.id(gridId))
                .findElements(By.cssSelector("vaadin-grid-cell-content")).stream().map(WebElement::getText).toList());
    }

    /**
     * A grid's rows as shown, top first, each as "| cell | cell | … |"; rows whose data is still
     * loading are left out. Read through the grid's shadow DOM: its cells' light-DOM order is that of
     * its reused row elements, not necessarily that of the rows on screen.
     */
    @SuppressWarnings("unchecked")
    static List<String> rows(Browser browser, String gridId) {
        // a refresh may replace the grid between finding it and reading it: read the new one then
        return browser.until(d -> (List<String>) browser.script("""
                const grid = arguments[0];
                return [...grid.shadowRoot.querySelectorAll('#items tr')]
                    .filter(tr => !tr.hidden && !tr.hasAttribute('loading') && tr.index < grid.size)
                    .sort((a, b) => a.index - b.index)
                    .map(tr => '| ' + [...tr.querySelectorAll('td')].map(td => {
                        const slot = td.querySelector('slot');
                        return slot ? slot.assignedNodes().map(n => n.textContent).join('').trim() : '';
                    }).join(' | ') + ' |');""", browser.waitFor(By.id(gridId))));
    }

    static void waitUntilGone(Browser browser, By locator) {
        browser.until(ExpectedConditions.invisibilityOfElementLocated(locator));
    }

    /** Back at full width and signed out, whatever the test before left behind. */
    static void reset(Browser browser) {
        browser.resize(1280, 800);
        browser.go("/admin/");
        // a word, not a Boolean: WebDriverWait takes FALSE for "not yet" and would wait out its time
        String state = browser.until(d -> {
            if (!d.findElements(By.id("signed-in-user")).isEmpty()) {
                return "signed in";
            }
            return d.findElements(By.cssSelector("vaadin-login-form")).isEmpty() ? null : "signed out";
        });
        if (state.equals("signed in")) {
            browser.signOut();
        }
    }

    /** Text of a GET made by the page itself (its session cookie included), e.g. a download link's. */
    static String fetch(Browser browser, String url) {
        return (String) browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('FAILED ' + e));", url);
    }
}
