package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's headless Chromium driven through its own ChromeDriver (explicit paths, so Selenium
 * Manager never downloads anything), with a fresh profile per browser and helpers to wait for
 * the dashboard and keep screenshots under target/screenshots.
 */
final class DashboardBrowser implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardBrowser.class);

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration PATIENCE = Duration.ofSeconds(30);
  // Selenium looks for a DevTools binding matching Chromium's version; the tests use only raw CDP
  // commands through ChromeDriver, so its warning that none matches is noise. Held so it sticks.
  private static final java.util.logging.Logger CDP_FINDER =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_FINDER.setLevel(Level.SEVERE);
  }

  private final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;
  private final String base;

  /** A browser on {@code http://localhost:port}; {@code headers} go with every request it makes. */
  DashboardBrowser(int port, Map<String, String> headers, Dimension window) {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "The dashboard tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    try {
      profile = Files.createTempDirectory("pulse-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=" + window.width + "," + window.height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .build();
    driver = new ChromeDriver(service, options);
    base = "http://localhost:" + port + "/";
    if (window.width < 500) {
      // A desktop window cannot be this narrow; emulate a phone's viewport instead.
      driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", window.width,
          "height", window.height, "deviceScaleFactor", 1, "mobile", true));
    }
    if (!headers.isEmpty()) {
      driver.executeCdpCommand("Network.enable", Map.of());
      driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", headers));
    }
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Opens the dashboard at a hash route such as {@code #/workflows}. */
  void open(String route) {
    driver.get(base + route);
  }

  /** Follows a hash route inside the already loaded page (no reload). */
  void go(String route) {
    driver.executeScript("location.hash = arguments[0]", route);
  }

  <T> T await(String what, ExpectedCondition<T> condition) {
    // Live events re-render parts of the page: an element found a moment ago may be replaced.
    return new WebDriverWait(driver, PATIENCE).withMessage(what)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
  }

  WebElement element(String css) {
    return await("element " + css, d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits until a script returns true (JavaScript truthiness). */
  void until(String what, String script, Object... args) {
    await(what, d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return !!(" + script + ")", args)));
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Runs fetch in the page (same origin, same headers as the dashboard) and returns the status. */
  long fetchStatus(String method, String path) {
    Object status = driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch(arguments[1], {method: arguments[0], headers: {'X-Requested-With': 'pulse-dashboard'}})"
            + ".then(r => done(r.status), e => done(-1));", method, path);
    return ((Number) status).longValue();
  }

  /** Saves a full-page PNG under target/screenshots. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      @SuppressWarnings("unchecked")
      Map<String, Object> metrics = (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
      @SuppressWarnings("unchecked")
      Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
      Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
          "width", ((Number) content.get("width")).doubleValue(),
          "height", Math.min(((Number) content.get("height")).doubleValue(), 6000));
      Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
          Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
      LOG.info("Screenshot {}", file.toAbsolutePath());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The browser console so far, for the test log when something goes wrong. */
  String console() {
    try {
      return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .map(entry -> entry.getLevel() + " " + entry.getMessage()).collect(Collectors.joining("\n"));
    } catch (RuntimeException e) {
      return "(console unavailable: " + e + ")";
    }
  }

  @Override
  public void close() {
    String console = console();
    if (!console.isBlank()) {
      LOG.info("Browser console:\n{}", console);
    }
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteQuietly(profile.toFile());
    }
  }

  private static void deleteQuietly(File file) {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        deleteQuietly(child);
      }
    }
    if (!file.delete()) {
      LOG.debug("Could not delete {}", file);
    }
  }
}
