package com.virtuoso.status;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import com.virtuoso.history.ConflictHistory;
import com.virtuoso.history.ConflictRecord;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.ConflictResult;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The status page in a real browser: Debian's headless Chromium, driven by Selenium through
 * Debian's chromedriver (both named by path, so Selenium Manager downloads nothing). Skipped
 * when they are not installed, unless {@value #REQUIRE_BROWSER}=1 (set by run-tests.sh, so CI
 * fails instead of skipping).
 */
class StatusPageBrowserTest {

    static final String REQUIRE_BROWSER = "VIRTUOSO_REQUIRE_BROWSER";

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final Duration INTERVAL = Duration.ofMillis(300);

    /** The page refreshes every few seconds: two refreshes and a monitor check, and some slack. */
    private static final Duration UPDATE = Duration.ofSeconds(StatusPage.REFRESH_SECONDS * 2 + 10);

    /** Text that would run in the operator's browser, were it not escaped (or set as text). */
    private static final String HOSTILE = "sh -c <script>window.virtuosoPwned=1</script><img src=x onerror=window.virtuosoPwned=2>";

    @TempDir
    Path state;

    @TempDir
    Path profile;

    private WebDriver browser;

    /** Per test, not per class: a test aborted here is counted and reported as skipped, with the reason. */
    private static void needsChromium() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String missing = "no " + CHROMIUM + " or " + CHROMEDRIVER + ": the status page's browser test needs Debian's "
                + "chromium and chromium-driver (apt-get install chromium chromium-driver; run-tests.sh installs them)";
        if ("1".equals(System.getenv(REQUIRE_BROWSER))) {
            fail(missing + ", and " + REQUIRE_BROWSER + "=1 requires them");
        }
        Assumptions.abort(missing + "; skipped (set " + REQUIRE_BROWSER + "=1 to fail instead)");
    }

    @BeforeEach
    void startBrowser() {
        needsChromium();
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as root in a container: no sandbox, and /dev/shm may be tiny
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--user-data-dir=" + profile, "--window-size=1200,900");
        browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void afterAFallBackThePageShowsTheFallbackThePrimaryAndItsHolderAndAfterAReclaimThePrimaryWithoutAReload()
            throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        recordEarlierConflicts(history, primary, fallback);
        ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
        try (holder;
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + primary,
                        "--web_server.fallback_ports=" + fallback, "--web_server.reclaim=true",
                        "--web_server.monitor.interval=" + INTERVAL.toMillis() + "ms")) {
            assertThat(server.port()).isEqualTo(fallback);
            browser.get("http://127.0.0.1:" + fallback + "/");
            await().atMost(UPDATE).untilAsserted(() -> {
                assertThat(text("listening")).isEqualTo("127.0.0.1: " + fallback);
                assertThat(text("primary")).isEqualTo(Integer.toString(primary));
                assertThat(text("fell-back")).isEqualTo("yes: from " + primary + " to " + fallback + " at start");
                assertThat(text("primary-holder")).startsWith("PID " + holder.pid() + " (");
                assertThat(text("refresh")).startsWith("updated");
            });
            assertThat(browser.findElements(By.cssSelector("#timeline-marks circle"))).hasSize(4);
            screenshot(Path.of("target", "status-page.png"));
            // a reload would lose this
            script("window.virtuosoNotReloaded = true;");

            // another process's command line, as the refresh brings it: text, never markup
            history.append(new ConflictRecord(Instant.now(), 4343, primary, fallback, ConflictResult.FELL_BACK,
                    List.of(inUse(primary, 4343, HOSTILE, Instant.now()), PortAttempt.bound(fallback, Instant.now()))));
            await().atMost(UPDATE).until(() -> text("history").contains("<script>window.virtuosoPwned=1</script>"));
            assertNothingRan();

            holder.close();
            await().atMost(UPDATE).untilAsserted(() -> {
                assertThat(text("listening")).isEqualTo("127.0.0.1: " + primary + ", " + fallback);
                assertThat(text("primary-holder")).isEqualTo("this server, which listens on it");
                assertThat(text("fell-back")).contains("primary port reclaimed at");
            });
            assertThat(script("return window.virtuosoNotReloaded === true;")).isEqualTo(true);

            // and as the server renders it
            browser.navigate().refresh();
            assertThat(text("history")).contains("<script>window.virtuosoPwned=1</script>");
            assertThat(text("primary-holder")).isEqualTo("this server, which listens on it");
            assertNothingRan();
        }
    }

    private void assertNothingRan() {
        assertThat(script("return typeof window.virtuosoPwned;")).isEqualTo("undefined");
        assertThat(browser.findElements(By.cssSelector("#history script, #history img, #attempts script"))).isEmpty();
    }

    /** Conflicts of earlier starts, so that the timeline has one mark in each lane. */
    private static void recordEarlierConflicts(ConflictHistory history, int primary, int fallback) throws Exception {
        Instant now = Instant.now();
        String server = "python3 -m http.server " + primary;
        history.append(new ConflictRecord(now.minus(Duration.ofHours(5)), 2101, primary, fallback,
                ConflictResult.FELL_BACK, List.of(inUse(primary, 1999, server, now.minus(Duration.ofHours(5))),
                        PortAttempt.bound(fallback, now.minus(Duration.ofHours(5))))));
        history.append(new ConflictRecord(now.minus(Duration.ofHours(3)), 2202, primary, null,
                ConflictResult.EXHAUSTED, List.of(inUse(primary, 1999, server, now.minus(Duration.ofHours(3))),
                        inUse(fallback, 2101, "java -jar virtuoso.jar", now.minus(Duration.ofHours(3))))));
        history.append(new ConflictRecord(now.minus(Duration.ofHours(1)), 2303, primary, null,
                ConflictResult.CONFLICT_STRICT, List.of(inUse(primary, 1999, server, now.minus(Duration.ofHours(1))))));
    }

    private static PortAttempt inUse(int port, long pid, String command, Instant at) {
        PortHolder holder = new PortHolder(pid, "trader", at.minus(Duration.ofDays(1)), command);
        return new PortAttempt(port, BindOutcome.IN_USE, at, holder, "in use by " + holder.describe());
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private Object script(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** The whole page, as a picture kept with the build's output. */
    private void screenshot(Path file) throws Exception {
        long height = (Long) script("return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(1200, (int) Math.min(height + 140, 4000)));
        Files.createDirectories(file.getParent());
        Path taken = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.move(taken, file, StandardCopyOption.REPLACE_EXISTING);
    }

}
