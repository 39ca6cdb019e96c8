package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PULSE behind a real nginx using the shipped snippets (deploy/nginx/snippets): auth_request to
 * an Authelia stand-in (an nginx server answering like Authelia's authz endpoint from Basic
 * credentials), Remote-* headers forwarded, the SockJS bridge upgraded. nginx reaches PULSE from
 * 127.0.0.2, the only trusted proxy, so the same headers sent straight to PULSE are ignored.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NginxProxyTest {

  private static final String NGINX = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";

  private static Launched pulse;
  private static Process nginx;
  private static Http proxied;
  private static Http direct;
  private static int proxyPort;

  static Map<String, String> as(String user, String password) {
    String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return Map.of("Authorization", "Basic " + token);
  }

  static final Map<String, String> ADA = as("ada", "ada-secret");
  static final Map<String, String> EVE = as("eve", "eve-secret");

  @BeforeAll
  static void start() throws Exception {
    Path dir = TestDatabase.dataDir().resolve("nginx-" + UUID.randomUUID());
    Files.createDirectories(dir.resolve("logs"));
    JsonObject settings = Settings.defaults().put("DATA_DIR", dir.toString()).put("PORT", 0)
        .put("HOST", "127.0.0.1").put("AUTH_MODE", "sso").put("TRUSTED_PROXIES", "127.0.0.2/32")
        .put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "proxied").put("WORKER_CWD", dir.toString());
    pulse = DevMode.start(settings);
    proxyPort = PulseProcess.freePort();
    int authPort = PulseProcess.freePort();
    Path snippets = repositoryRoot().resolve("deploy/nginx/snippets");
    String conf = String.join("\n",
        System.getProperty("user.name").equals("root") ? "user root;" : "",
        "worker_processes 1;",
        "error_log " + dir.resolve("logs/error.log") + " warn;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "events { worker_connections 256; }",
        "http {",
        "  access_log " + dir.resolve("logs/access.log") + ";",
        "  client_body_temp_path " + dir.resolve("body") + "; proxy_temp_path " + dir.resolve("proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("fcgi") + "; uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("scgi") + ";",
        "  map $http_upgrade $pulse_connection { default upgrade; '' ''; }",
        // The Authelia stand-in: Basic credentials in, Remote-* headers (or 401 + portal) out.
        "  map $http_authorization $fake_user { default ''; '" + ADA.get("Authorization") + "' ada; '"
            + EVE.get("Authorization") + "' eve; }",
        "  map $fake_user $fake_groups { default ''; ada 'admin,ops'; eve employee; }",
        "  server {",
        "    listen 127.0.0.1:" + authPort + ";",
        "    location /api/authz/auth-request {",
        "      if ($fake_user = '') { add_header Location 'https://auth.example.com/?rd=portal' always; return 401; }",
        "      add_header Remote-User $fake_user always; add_header Remote-Groups $fake_groups always;",
        "      add_header Remote-Name $fake_user always; add_header Remote-Email $fake_user@example.com always;",
        "      return 200;",
        "    }",
        "  }",
        "  server {",
        "    listen 127.0.0.1:" + proxyPort + ";",
        "    include " + snippets.resolve("authelia-location.conf") + ";",
        "    set $upstream_authelia http://127.0.0.1:" + authPort + "/api/authz/auth-request;",
        "    proxy_bind 127.0.0.2;",
        "    location / { include " + snippets.resolve("pulse-proxy.conf") + "; include "
            + snippets.resolve("authelia-authrequest.conf") + "; proxy_pass http://127.0.0.1:" + pulse.httpPort() + "; }",
        "    location /eventbus/ { include " + snippets.resolve("pulse-proxy.conf") + "; include "
            + snippets.resolve("authelia-authrequest.conf") + "; proxy_buffering off; proxy_pass http://127.0.0.1:"
            + pulse.httpPort() + "; }",
        "    location = /health { include " + snippets.resolve("pulse-proxy.conf") + "; include "
            + snippets.resolve("pulse-anonymous.conf") + "; proxy_pass http://127.0.0.1:" + pulse.httpPort() + "; }",
        "  }",
        "}", "");
    Path confFile = dir.resolve("nginx.conf");
    Files.writeString(confFile, conf);
    nginx = new ProcessBuilder(NGINX, "-p", dir.toString(), "-c", confFile.toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
    proxied = new Http(proxyPort);
    direct = new Http(pulse.httpPort());
    Await.until(Duration.ofSeconds(20), "nginx serving /health (see " + dir.resolve("logs") + ")", () -> {
      if (!nginx.isAlive()) {
        throw new AssertionError("nginx exited " + nginx.exitValue() + "; see " + dir.resolve("logs"));
      }
      return proxied.get("/health").status() == 200 ? Boolean.TRUE : null;
    });
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.destroy();
    }
    if (proxied != null) {
      proxied.close();
      direct.close();
    }
    if (pulse != null) {
      pulse.close();
    }
  }

  static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isDirectory(here.resolve("deploy/nginx"))) {
      here = here.getParent();
    }
    if (here == null) {
      throw new IllegalStateException("deploy/nginx not found above " + Path.of("").toAbsolutePath());
    }
    return here;
  }

  @Test
  void signedOutVisitorIsSentToTheLoginPortal() {
    Http.Response response = proxied.get("/api/user");
    assertEquals(302, response.status());
    assertEquals("https://auth.example.com/?rd=portal", response.headers().get("Location"));
  }

  @Test
  void ssoIdentityArrivesThroughTheProxyWithItsRole() {
    JsonObject eve = proxied.get("/api/user", EVE).json();
    assertEquals("eve", eve.getString("username"));
    assertEquals("employee", eve.getString("role"));
    assertEquals("eve@example.com", eve.getString("email"));
    assertEquals("admin", proxied.get("/api/user", ADA).json().getString("role"));
  }

  @Test
  void headersSpoofedThroughTheProxyAreReplacedBySsoOnes() {
    Map<String, String> spoofing = new HashMap<>(EVE);
    spoofing.put("Remote-User", "ada");
    spoofing.put("Remote-Groups", "admin");
    JsonObject user = proxied.get("/api/user", spoofing).json();
    assertEquals("eve", user.getString("username"));
    assertEquals("employee", user.getString("role"));
  }

  @Test
  void headersSentStraightToPulseFromElsewhereAre401() {
    Http.Response response = direct.get("/api/user", Map.of("Remote-User", "ada", "Remote-Groups", "admin"));
    assertEquals(401, response.status(), response.body());
  }

  @Test
  void employeeRunsButCannotDeleteAndTheAuditLogSaysWhoDidWhat() {
    JsonObject workflow = new JsonObject().put("name", "proxied hello").put("definition", new JsonObject()
        .put("steps", new JsonArray().add(ApiDriver.execute("hello", "echo hello"))));
    Http.Response created = proxied.post("/api/workflows", workflow.encode(), ADA);
    assertEquals(201, created.status(), created.body());
    String workflowId = created.json().getString("id");
    Http.Response forbidden = proxied.delete("/api/workflows/" + workflowId, EVE);
    assertEquals(403, forbidden.status(), forbidden.body());
    Http.Response started = proxied.post("/api/executions", new JsonObject().put("workflow_id", workflowId).encode(), EVE);
    assertEquals(202, started.status(), started.body());

    JsonArray entries = proxied.get("/api/audit?target_id=" + workflowId, ADA).json().getJsonArray("entries");
    assertEquals(1, entries.size(), entries.encode());
    assertEquals("ada", entries.getJsonObject(0).getString("actor"));
    assertEquals("workflow.create", entries.getJsonObject(0).getString("action"));
    assertEquals("127.0.0.1", entries.getJsonObject(0).getString("source_ip"), "the client, from X-Forwarded-For");
    JsonArray runs = proxied.get("/api/audit?action=execution.start&actor=eve", ADA).json().getJsonArray("entries");
    assertEquals(started.json().getString("id"), runs.getJsonObject(0).getString("target_id"));
    assertEquals(403, proxied.get("/api/audit", EVE).status());
  }

  @Test
  void eventBridgeUpgradesThroughTheProxyForSignedInUsers() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxyPort)
          .setURI("/eventbus/websocket");
      EVE.forEach(options::addHeader);
      WebSocket socket = client.connect(options).await();
      LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
      socket.handler(buffer -> frames.add(buffer.toJsonObject()));
      socket.writeTextMessage(new JsonObject().put("type", "register").put("address", Addresses.EVENT_EXECUTION)
          .encode()).await();
      JsonObject event = new JsonObject().put("type", "execution_status").put("execution_id", "through-nginx");
      JsonObject received = null;
      for (int i = 0; i < 50 && received == null; i++) {
        pulse.vertx().eventBus().publish(Addresses.EVENT_EXECUTION, event);
        received = frames.poll(100, TimeUnit.MILLISECONDS);
      }
      assertTrue(received != null, "an event came through nginx");
      assertEquals("through-nginx", received.getJsonObject("body").getString("execution_id"));
      socket.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
