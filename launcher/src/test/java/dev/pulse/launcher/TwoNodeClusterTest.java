package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two real Hazelcast members on 127.0.0.1: an API node and an engine+registry node. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TwoNodeClusterTest {

  static JsonObject serverSettings(DbConfig db, String clusterName) {
    return Settings.defaults().mergeIn(db.toConfig())
        .put("DATA_DIR", TestDatabase.dataDir().resolve("cluster-" + clusterName).toString())
        .put("CLUSTER_NAME", clusterName).put("CLUSTER_HOST", "127.0.0.1").put("CLUSTER_MEMBERS", "127.0.0.1")
        .put("EVENTBUS_HOST", "127.0.0.1").put("EVENTBUS_PORT", 0).put("PORT", 0)
        .put("BUS_TIMEOUT_MS", 3000);
  }

  @Test
  void apiNodeReachesEngineAndRegistryOnAnotherNodeOverTheBus() {
    DbConfig db = TestDatabase.fresh();
    String clusterName = "pulse-test-" + UUID.randomUUID();
    int metricsPort = PulseProcess.freePort();
    Launched backend = ServerMode.start(serverSettings(db, clusterName).put("METRICS_PORT", metricsPort),
        Set.of("engine", "registry"));
    Launched api = null;
    try {
      api = ServerMode.start(serverSettings(db, clusterName), Set.of("api"));
      try (Http http = new Http(api.httpPort())) {
        JsonObject health = Await.until(Duration.ofSeconds(30), "engine and registry healthy from the API node", () -> {
          Http.Response response = http.get("/health");
          return response.status() == 200 ? response.json() : null;
        });
        assertEquals("connected", health.getString("database"));
        assertEquals("authelia-sso", health.getString("auth"));
        JsonObject cluster = health.getJsonArray("checks").stream().map(JsonObject.class::cast)
            .filter(check -> check.getString("id").equals("cluster")).findFirst().orElseThrow();
        assertEquals(2, cluster.getJsonObject("data").getInteger("nodes"));
        try (Http metrics = new Http(metricsPort)) {
          String text = metrics.get("/metrics").body();
          assertTrue(text.contains("pulse_workers{status=\"online\"}"), "the backend node serves its own meters");
          assertTrue(text.contains("pulse_executions_active{"), "the engine's meters are there too");
        }

        backend.close();
        Http.Response degraded = Await.until(Duration.ofSeconds(30), "health to notice the engine node left", () -> {
          Http.Response response = http.get("/health");
          return response.status() == 503 ? response : null;
        });
        JsonObject body = degraded.json();
        assertEquals("degraded", body.getString("status"));
        JsonObject engine = body.getJsonArray("checks").stream().map(JsonObject.class::cast)
            .filter(check -> check.getString("id").equals("engine")).findFirst().orElseThrow();
        assertEquals("DOWN", engine.getString("status"));
      }
    } finally {
      backend.close();
      if (api != null) {
        api.close();
      }
    }
  }
}
