package dev.berth.deploy.system;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (Selenium never downloads a
 * browser or a driver here), for the admin UI tests. Each test saves screenshots under
 * target/screenshots.
 */
final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(60);

    private final ChromeDriver driver;
    private final String base;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** @param base e.g. https://localhost:5000 — the browser accepts Berth's own certificate */
    static Browser open(String base, Path scratch) throws IOException {
        for (Path executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(executable)) {
                throw new AssertionError(executable + " is missing: apt-get install chromium chromium-driver (as .ci/run does)");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,800", "--user-data-dir=" + Files.createTempDirectory(scratch, "chromium-"));
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        return new Browser(driver, base);
    }

    ChromeDriver driver() {
        return driver;
    }

    void go(String path) {
        driver.get(base + path);
    }

    /** Signs in on the admin UI's own page and waits for the signed-in frame. */
    void signIn(String user, String password) {
        submitSignIn(user, password);
        waitFor(By.id("signed-in-user"));
    }

    /** Fills in and sends the sign-in form, and waits for nothing (the page that follows may not be the frame). */
    void submitSignIn(String user, String password) {
        go("/admin/login");
        WebElement name = waitFor(By.cssSelector("vaadin-login-form input[name=username]"));
        name.sendKeys(user);
        driver.findElement(By.cssSelector("vaadin-login-form input[name=password]")).sendKeys(password);
        driver.findElement(By.cssSelector("vaadin-login-form vaadin-button[slot=submit]")).click();
    }

    /** The error a Vaadin field shows under itself, once it shows one containing {@code expected}. */
    String fieldError(By field, String expected) {
        return until(d -> {
            String text = d.findElement(field).findElement(By.cssSelector("[slot=error-message]")).getText();
            return text.contains(expected) ? text : null;
        });
    }

    void signOut() {
        click(By.id("sign-out"));
        waitFor(By.cssSelector("vaadin-login-form"));
    }

    WebElement waitFor(By locator) {
        return until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    void waitForText(By locator, String text) {
        until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }

    /**
     * Waits for a condition; when it never holds, the failure names the page the browser was on,
     * what it showed and a screenshot, so that a failure in CI can be read without rerunning it.
     */
    <T> T until(Function<WebDriver, T> condition) {
        try {
            // a click on a covered element, or an element Vaadin replaced while it was read: try again
            return new WebDriverWait(driver, WAIT)
                    .ignoring(ElementClickInterceptedException.class, StaleElementReferenceException.class)
                    .until(driver -> navigatingAway(driver, condition));
        } catch (TimeoutException e) {
            throw new AssertionError(e.getMessage().lines().findFirst().orElse("timeout") + "\n" + describePage(), e);
        }
    }

    /**
     * The condition, or null (not yet) when the page navigated while it was checked: Chrome then
     * aborts the lookup ("aborted by navigation"), and the next check sees the new page.
     */
    private static <T> T navigatingAway(WebDriver driver, Function<WebDriver, T> condition) {
        try {
            return condition.apply(driver);
        } catch (WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("aborted by navigation")) {
                return null;
            }
            throw e;
        }
    }

    private String describePage() {
        StringBuilder page = new StringBuilder("page: ").append(driver.getCurrentUrl());
        try {
            Object text = script("return document.body ? document.body.innerText : ''");
            String shown = String.valueOf(text).strip();
            page.append("\nshowing: ").append(shown.length() > 2000 ? shown.substring(0, 2000) + "…" : shown);
            page.append("\nscreenshot: ").append(screenshot("timeout-" + System.currentTimeMillis()));
        } catch (RuntimeException | IOException e) {
            page.append("\n(could not read the page: ").append(e).append(')');
        }
        return page.toString();
    }

    /** Clicks once the element is clickable and nothing (a notification fading out) lies over it. */
    void click(By locator) {
        until(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(d);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    /** Text typed into a Vaadin field (its input lives in the light DOM), replacing what was there. */
    void type(By field, String text) {
        WebElement input = waitFor(field).findElement(By.cssSelector("input, textarea"));
        input.clear();
        input.sendKeys(text);
    }

    /**
     * Chooses {@code files} in a Vaadin upload as one pass through the file dialog would (the upload
     * starts at once); its file input lives in the component's shadow DOM. One call per choice: a
     * second call would choose the first files again.
     */
    void upload(By upload, Path... files) {
        WebElement input = (WebElement) script("return arguments[0].querySelector('input[type=file]')"
                + " || arguments[0].shadowRoot.querySelector('input[type=file]')", waitFor(upload));
        input.sendKeys(Arrays.stream(files).map(f -> f.toAbsolutePath().toString()).collect(Collectors.joining("\n")));
    }

    /**
     * Waits for a notification (every action in the UI ends with one) that contains {@code expected},
     * and returns its whole text; earlier notifications may still be showing.
     */
    String feedback(String expected) {
        return until(d -> d.findElements(By.cssSelector("vaadin-notification-card"))
                .stream().map(WebElement::getText).filter(text -> text.contains(expected)).findFirst().orElse(null));
    }

    Object script(String javascript, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(javascript, args);
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves the page as target/screenshots/NAME.png, the build's artifact to look at. */
    Path screenshot(String name) throws IOException {
        Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name + ".png").toAbsolutePath();
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
