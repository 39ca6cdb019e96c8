package dev.pulse.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium with one page, driven over the DevTools protocol on a WebSocket (the
 * Vert.x client PULSE ships; no WebDriver needed to run scripts in a page and read their results).
 * Only the Page and Runtime calls the benchmark makes cross the socket: no domain that reports
 * network traffic is enabled, so watching costs the page nothing.
 */
final class Chromium implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/chromium");

  private final Child process;
  private final WebSocketClient client;
  private final WebSocket page;
  private final Map<Integer, Promise<JsonObject>> pending = new HashMap<>();
  private int nextId;

  private Chromium(Child process, WebSocketClient client, WebSocket page) {
    this.process = process;
    this.client = client;
    this.page = page;
  }

  /** Starts Chromium with a fresh profile in {@code dir} and connects to its page. */
  static Chromium start(Fleet fleet, Vertx vertx, Path dir, int width, int height) throws IOException {
    Path profile = dir.resolve("chromium-profile");
    Files.createDirectories(profile);
    Child process = fleet.spawnPlain("chromium", List.of(BINARY.toString(), "--headless=new", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--remote-debugging-port=0", "--remote-allow-origins=*",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank"), dir);
    return connect(process, profile, vertx);
  }

  /** Connects to the page of a Chromium started with {@code --remote-debugging-port=0} on {@code profile}. */
  static Chromium connect(Child process, Path profile, Vertx vertx) {
    Path portFile = profile.resolve("DevToolsActivePort");
    int port = Fleet.Await.until("Chromium's DevTools port (log " + process.log() + ")", 60_000, () -> {
      process.requireAlive();
      try {
        List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
        return lines.isEmpty() || lines.get(0).isBlank() ? null : Integer.parseInt(lines.get(0).trim());
      } catch (IOException e) {
        return null;
      }
    });
    HttpClient http = vertx.createHttpClient();
    String pageUrl;
    try {
      pageUrl = Fleet.Await.until("Chromium's page target", 30_000, () -> http.request(HttpMethod.GET, port,
              "127.0.0.1", "/json/list")
          .compose(request -> request.send().compose(response -> response.body()))
          .map(body -> new JsonArray(body.toString()).stream().map(JsonObject.class::cast)
              .filter(target -> "page".equals(target.getString("type")))
              .map(target -> target.getString("webSocketDebuggerUrl")).findFirst().orElse(null))
          .await());
    } finally {
      http.close();
    }
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(64 * 1024 * 1024).setMaxFrameSize(64 * 1024 * 1024));
    WebSocket socket = client.connect(new WebSocketConnectOptions().setAbsoluteURI(pageUrl)).await();
    Chromium chromium = new Chromium(process, client, socket);
    socket.textMessageHandler(chromium::received);
    return chromium;
  }

  /** One DevTools command; fails with the protocol's error. */
  Future<JsonObject> send(String method, JsonObject params) {
    Promise<JsonObject> promise = Promise.promise();
    int id;
    synchronized (pending) {
      id = ++nextId;
      pending.put(id, promise);
    }
    page.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
    return promise.future().timeout(60, TimeUnit.SECONDS)
        .recover(failure -> Future.failedFuture(new IllegalStateException(method + ": " + failure.getMessage())));
  }

  /** Runs {@code script} before any other script of every document the page loads from now on. */
  void beforeEveryDocument(String script) {
    send("Page.enable", new JsonObject()).await();
    send("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source", script)).await();
  }

  void navigate(String url) {
    send("Page.navigate", new JsonObject().put("url", url)).await();
  }

  /** The value of a JavaScript expression (a promise is awaited), as JSON-able Java values. */
  Object evaluate(String expression) {
    JsonObject reply = send("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true)).await();
    JsonObject thrown = reply.getJsonObject("exceptionDetails");
    if (thrown != null) {
      throw new IllegalStateException("The page threw: " + thrown.encode());
    }
    return reply.getJsonObject("result", new JsonObject()).getValue("value");
  }

  /** Waits until {@code expression} is truthy in the page. */
  void until(String what, long millis, String expression) {
    Fleet.Await.until(what, millis, () -> Boolean.TRUE.equals(evaluate("!!(" + expression + ")")) ? Boolean.TRUE
        : null);
  }

  private void received(String text) {
    JsonObject message = new JsonObject(text);
    Integer id = message.getInteger("id");
    if (id == null) {
      return;
    }
    Promise<JsonObject> promise;
    synchronized (pending) {
      promise = pending.remove(id);
    }
    if (promise == null) {
      return;
    }
    JsonObject error = message.getJsonObject("error");
    if (error != null) {
      promise.fail(error.encode());
    } else {
      promise.complete(message.getJsonObject("result", new JsonObject()));
    }
  }

  @Override
  public void close() {
    try {
      page.close().await();
      client.close().await();
    } catch (RuntimeException e) {
      // the browser goes down with its process anyway
    }
    process.stop(5_000);
  }
}
