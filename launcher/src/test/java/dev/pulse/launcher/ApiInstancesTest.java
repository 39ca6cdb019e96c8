package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.api.ApiVerticle;
import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API runs as several instances on one port (API_INSTANCES), and they behave as one: a user's
 * rate limit is counted once across them, whichever instance a connection lands on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiInstancesTest {

  @Test
  void instancesShareTheRandomPortAndTheRateLimit() {
    DbConfig db = TestDatabase.fresh();
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject settings = Settings.defaults().mergeIn(db.toConfig()).put("PORT", 0).put("HOST", "127.0.0.1")
          .put("API_INSTANCES", 3).put("RATE_LIMIT_PER_MINUTE", 6);
      List<ApiVerticle> instances = Roles.deployApi(vertx, new DeploymentOptions().setConfig(settings));
      assertEquals(3, instances.size());
      int port = instances.get(0).actualPort();
      instances.forEach(api -> assertEquals(port, api.actualPort(), "PORT=0 is one free port for every instance"));
      Map<String, String> ada = Map.of("Remote-User", "ada", "Remote-Groups", "admin");
      // A client per request: a new connection each time, taken in turn by the instances.
      for (int i = 0; i < 6; i++) {
        try (Http http = new Http(port)) {
          assertEquals(200, http.get("/api/user", ada).status(), "request " + (i + 1) + " is within the limit");
        }
      }
      try (Http http = new Http(port)) {
        Http.Response seventh = http.get("/api/user", ada);
        assertEquals(429, seventh.status(), "the seventh request in a minute is over the limit on any instance");
      }
    } finally {
      vertx.close().await();
    }
  }
}
