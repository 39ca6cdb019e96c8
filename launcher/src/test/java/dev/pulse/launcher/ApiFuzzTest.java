package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generated malformed and random input for every route of the OpenAPI document, against a
 * running PULSE: no answer may be a 5xx and none may hang (the client gives up after 30 s).
 * Path ids are random, so no generated command ever reaches a real worker.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ApiFuzzTest {

  private static final Logger LOG = LoggerFactory.getLogger(ApiFuzzTest.class);
  private static final int CASES_PER_OPERATION = 120;
  private static final String[] NASTY = {"", " ", "'", "\"", "' OR '1'='1", "'; DROP TABLE workflows; --",
      "\\", "%00", "\u0000", "../../etc/passwd", "${jndi:ldap://x}", "<script>alert(1)</script>", "NaN",
      "\uD83D\uDE00", "\u202E", "null", "[]", "{}", "-1", "1e309", "9223372036854775808", "x".repeat(5000)};

  private final Random random = new Random(Long.getLong("pulse.fuzz.seed", 20261203L));

  @Test
  void randomAndMalformedInputNeverGives5xxOrHangs() throws InterruptedException {
    Path dir = TestDatabase.dataDir().resolve("fuzz-" + UUID.randomUUID());
    JsonObject settings = Settings.defaults().put("DATA_DIR", dir.toString()).put("PORT", 0)
        .put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "fuzz").put("RATE_LIMIT_PER_MINUTE", 1_000_000)
        .put("MAX_BODY_BYTES", 65536);
    Launched pulse = DevMode.start(settings);
    List<String> failures = new ArrayList<>();
    int sent = 0;
    // The JDK's client, one connection per request: the generated requests include shapes (GET
    // with a body, POST without one) that must reach the server exactly as written.
    HttpClient client = freshClient();
    try (Http http = new Http(pulse.httpPort())) {
      JsonObject paths = http.get("/api/openapi.json").json().getJsonObject("paths");
      for (String path : paths.fieldNames()) {
        for (String method : paths.getJsonObject(path).fieldNames()) {
          for (int i = 0; i < CASES_PER_OPERATION; i++) {
            String uri = path.replaceAll("\\{[a-z_]+\\}", URLEncoder.encode(nasty(), StandardCharsets.UTF_8)
                    .replace("+", "%20").replace("$", "\\$"))
                + (random.nextBoolean() ? "?" + query() : "");
            String body = random.nextInt(4) == 0 ? null : body();
            Map<String, String> who = random.nextBoolean() ? ApiDriver.ADMIN
                : Map.of("Remote-User", nasty().replaceAll("[\\r\\n\\x00-\\x1f]", "") + "u", "Remote-Groups", "employee");
            HttpRequest built;
            try {
              HttpRequest.Builder request = HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + pulse.httpPort() + uri))
                  .timeout(Duration.ofSeconds(30))
                  .method(method.toUpperCase(), body == null ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
              if (body != null) {
                request.header("Content-Type", "application/json");
              }
              who.forEach(request::header);
              built = request.build();
            } catch (IllegalArgumentException notHttp) {
              continue;  // a header value HTTP cannot carry: no client could send it
            }
            HttpResponse<String> response;
            try {
              response = client.send(built, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException stale) {
              // A pooled connection the server had just closed (after a 413, say) fails on the
              // client's side; the same request on a new connection must then succeed. A request
              // the server never answers fails both times and is reported.
              try {
                response = freshClient().send(built, HttpResponse.BodyHandlers.ofString());
              } catch (java.io.IOException e) {
                failures.add(method + " " + uri + " body=" + abbreviate(body) + " -> " + e);
                continue;
              }
            }
            sent++;
            if (response.statusCode() >= 500) {
              failures.add(method + " " + uri + " body=" + abbreviate(body) + " -> " + response.statusCode() + " "
                  + abbreviate(response.body()));
            }
          }
        }
      }
    } finally {
      pulse.close();
    }
    LOG.info("Fuzzed {} requests, {} failures", sent, failures.size());
    assertTrue(sent > 2000, "sent " + sent);
    assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.subList(0, Math.min(5, failures.size())));
  }

  private static HttpClient freshClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private String nasty() {
    return random.nextInt(3) == 0 ? UUID.randomUUID().toString() : NASTY[random.nextInt(NASTY.length)];
  }

  private String query() {
    String[] keys = {"limit", "offset", "status", "workflow_id", "actor", "action", "target_id"};
    return keys[random.nextInt(keys.length)] + "=" + URLEncoder.encode(nasty(), StandardCharsets.UTF_8);
  }

  private String body() {
    switch (random.nextInt(6)) {
      case 0:
        return nasty();  // not JSON at all, or a JSON scalar
      case 1:
        return "{\"name\": " + "[".repeat(random.nextInt(50)) + "}";  // broken nesting
      case 2:
        return String.valueOf(value(0));  // any JSON value, often not an object
      default:
        return object(0).encode();
    }
  }

  private JsonObject object(int depth) {
    String[] fields = {"name", "description", "definition", "steps", "type", "targets", "command", "condition",
        "timeout", "message", "options", "duration", "workflow_id", "response", "params", "worker_id", "metadata",
        "continueOnError", nasty()};
    JsonObject object = new JsonObject();
    int size = random.nextInt(6);
    for (int i = 0; i < size; i++) {
      object.put(fields[random.nextInt(fields.length)], value(depth + 1));
    }
    if (random.nextInt(3) == 0) {
      object.put("definition", new JsonObject().put("steps", steps(depth + 1)));
    }
    return object;
  }

  private JsonArray steps(int depth) {
    JsonArray steps = new JsonArray();
    int size = random.nextInt(4);
    for (int i = 0; i < size; i++) {
      JsonObject step = object(depth + 1);
      step.put("type", new String[] {"execute", "prompt", "wait", nasty()}[random.nextInt(4)]);
      // Never a runnable target: the fuzzer must not run what it generates on a real worker.
      step.put("targets", new JsonArray().add("no-such-worker-" + random.nextInt(1000)));
      steps.add(step);
    }
    return steps;
  }

  private Object value(int depth) {
    int pick = depth > 3 ? random.nextInt(5) : random.nextInt(7);
    switch (pick) {
      case 0:
        return nasty();
      case 1:
        return random.nextLong();
      case 2:
        return random.nextDouble() * (random.nextBoolean() ? 1e300 : -1);
      case 3:
        return random.nextBoolean();
      case 4:
        return null;
      case 5:
        return object(depth);
      default:
        JsonArray array = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(value(depth + 1));
        }
        return array;
    }
  }

  private static String abbreviate(String text) {
    return text == null ? "null" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
