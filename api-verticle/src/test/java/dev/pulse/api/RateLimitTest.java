package dev.pulse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RateLimitTest {

  @Test
  void userOverTheLimitGets429WithRetryAfterWhileOthersStillPass() {
    Vertx vertx = Vertx.vertx();
    try {
      DbConfig db = TestDatabase.server();
      JsonObject config = new JsonObject().mergeIn(db.toConfig()).put("PORT", 0).put("RATE_LIMIT_PER_MINUTE", 3);
      ApiVerticle api = new ApiVerticle();
      vertx.deployVerticle(api, new DeploymentOptions().setConfig(config)).await();
      try (Http http = new Http(api.actualPort())) {
        Map<String, String> eve = Map.of("Remote-User", "eve", "Remote-Groups", "employee");
        for (int i = 0; i < 3; i++) {
          assertEquals(200, http.get("/api/user", eve).status());
        }
        Http.Response limited = http.get("/api/user", eve);
        assertEquals(429, limited.status());
        assertTrue(limited.json().getString("error").startsWith("Too many requests from eve"), limited.body());
        long retryAfter = Long.parseLong(limited.headers().get("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 20, "Retry-After " + retryAfter);
        assertEquals(200, http.get("/api/user", Map.of("Remote-User", "bob", "Remote-Groups", "employee")).status());
      }
    } finally {
      vertx.close().await();
    }
  }
}
