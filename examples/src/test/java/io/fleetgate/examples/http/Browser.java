package io.fleetgate.examples.http;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A headless Chromium driven by Selenium 4 through chromedriver, both the machine's own
 * (Debian's {@code chromium} and {@code chromium-driver}): the paths come from the system
 * properties {@code fleetgate.test.chromium} and {@code fleetgate.test.chromedriver} (scripts/test
 * sets them), else the environment variables {@code FLEETGATE_TEST_CHROMIUM} and
 * {@code FLEETGATE_TEST_CHROMEDRIVER}, else {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver}. Selenium Manager is never asked for anything: both paths are
 * given. A missing browser fails the test saying how to provide one; it is never skipped.
 *
 * <p>Each browser gets a fresh profile ({@code --user-data-dir}) under
 * {@code fleetgate.test.browser.dir} (scripts/test makes a throwaway one and removes it), else the
 * JVM's temp dir, removed on {@link #close()}. Nothing the browser logs reaches the test output (so
 * surefire reports stay well-formed). Not thread-safe; one per test.
 */
final class Browser implements AutoCloseable {
    /** The flags that keep headless Chromium quiet and off the network on a build machine. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1280,1000");

    /** How long a wait for the page may take before the test fails. */
    static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Path chromium() {
        return executable("fleetgate.test.chromium", "FLEETGATE_TEST_CHROMIUM", "/usr/bin/chromium");
    }

    static Path chromedriver() {
        return executable("fleetgate.test.chromedriver", "FLEETGATE_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
    }

    private static Path executable(String property, String env, String fallback) {
        String given = System.getProperty(property);
        if (given == null || given.isBlank() || given.startsWith("${")) {
            given = System.getenv(env);
        }
        Path path = Path.of(given == null || given.isBlank() ? fallback : given);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is missing or not executable: the browser tests need headless "
                    + "Chromium and chromedriver. Run them through scripts/test (it installs Debian's 'chromium' and "
                    + "'chromium-driver' with apt-get when run as root), install those packages yourself, or set "
                    + "-D" + property + "=PATH (or " + env + ")");
        }
        return path;
    }

    /**
     * @return a new headless browser with a fresh profile
     * @throws IllegalStateException when Chromium or chromedriver is missing
     */
    static Browser start() {
        Path chromium = chromium();
        Path chromedriver = chromedriver();
        String dir = System.getProperty("fleetgate.test.browser.dir");
        Path base = Path.of(dir == null || dir.isBlank() || dir.startsWith("${") ? System.getProperty("java.io.tmpdir") : dir);
        Path profile;
        try {
            Files.createDirectories(base);
            profile = Files.createTempDirectory(base, "chromium-profile-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            delete(profile);
            throw e;
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /**
     * {@return an attribute of the element {@code css} finds, read again if a re-render replaced
     * the element between the look-up and the read (waits at most {@link #WAIT} for a value)}
     *
     * @param css  the element
     * @param name the attribute
     */
    String attribute(String css, String name) {
        return await(d -> d.findElement(By.cssSelector(css)).getAttribute(name));
    }

    /** {@return an attribute of every element {@code css} finds, all read from one rendering} */
    List<String> attributes(String css, String name) {
        return await(d -> d.findElements(By.cssSelector(css)).stream().map(e -> e.getAttribute(name)).toList());
    }

    /**
     * Waits until the condition holds (at most {@link #WAIT}); an element replaced by a re-render
     * while it is checked is looked up again.
     */
    <T> T await(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** Waits at most {@code within} for the condition. */
    <T> T await(Duration within, ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, within, Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Runs a script; its last argument is the callback to call with the result. */
    Object async(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Lets the page find itself at a place (and allows geolocation for the origin). */
    void placeAt(String origin, double lat, double lng) {
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", origin, "permissions", List.of("geolocation")));
        driver.executeCdpCommand("Emulation.setGeolocationOverride", Map.of("latitude", lat, "longitude", lng, "accuracy", 5));
    }

    /** Cuts the page off the network (DevTools network emulation), or reconnects it. */
    void offline(boolean offline) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", offline, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the browser profile " + dir, e);
        }
    }
}
