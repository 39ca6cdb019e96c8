package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A clustered server node in this JVM and a worker node in another JVM (a Hazelcast lite
 * member hosting 50 worker agents), on 127.0.0.1 with a random cluster name.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterFleetTest {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterFleetTest.class);
  private static final Map<String, String> ADMIN = Map.of("Remote-User", "ada", "Remote-Groups", "admin");

  @Test
  void fiftyWorkersInAnotherJvmComeOnlineRunCommandsAndGoOfflineWhenKilled() {
    DbConfig db = TestDatabase.fresh();
    String cluster = "pulse-fleet-" + UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    JsonObject settings = TwoNodeClusterTest.serverSettings(db, cluster).put("WORKER_API_KEY", key)
        .put("HEARTBEAT_INTERVAL", 1).put("OFFLINE_AFTER_MISSED", 3);
    Launched server = ServerMode.start(settings, Set.of("api", "engine", "registry"));
    Path dir = TestDatabase.dataDir().resolve(cluster);
    try (Http http = new Http(server.httpPort());
         PulseProcess workers = PulseProcess.workerNode(dir, settings, "fleet", 50,
             Map.of("WORKER_GROUPS", "fleet,web"))) {
      JsonArray online = Await.until(Duration.ofSeconds(120), "50 workers online (log " + dir + "-workers.log)", () -> {
        JsonArray list = new JsonArray(http.get("/api/workers", ADMIN).body());
        long count = list.stream().map(JsonObject.class::cast).filter(w -> "online".equals(w.getString("status"))).count();
        return count == 50 ? list : null;
      });
      JsonObject first = online.stream().map(JsonObject.class::cast)
          .filter(w -> w.getString("name").equals("fleet-1")).findFirst().orElseThrow();
      assertEquals(List.of("fleet", "web"), first.getJsonArray("groups").getList());
      JsonObject metadata = first.getJsonObject("metadata");
      assertTrue(metadata.getLong("memory_total") > 0, metadata.encode());
      assertTrue(Duration.between(Instant.parse(first.getString("last_heartbeat")), Instant.now()).toSeconds() < 5,
          "fresh heartbeat: " + first.getString("last_heartbeat"));

      // A direct command on a worker in the other JVM: output streams over the bus, the result is stored.
      List<JsonObject> chunks = new CopyOnWriteArrayList<>();
      server.vertx().eventBus().<JsonObject>consumer(Addresses.EVENT_OUTPUT, message -> chunks.add(message.body()))
          .completion().await();
      Http.Response accepted = http.post("/api/workers/" + first.getString("id") + "/command",
          "{\"command\":\"echo hello from $(hostname); echo oops >&2; exit 3\"}", ADMIN);
      assertEquals(202, accepted.status(), accepted.body());
      String commandId = accepted.json().getString("command_id");
      JsonObject command = Await.until(Duration.ofSeconds(30), "the command's stored result", () -> {
        JsonObject body = http.get("/api/commands/" + commandId, ADMIN).json();
        return body.getJsonObject("result") != null ? body : null;
      });
      JsonObject result = command.getJsonObject("result");
      assertEquals(3, result.getInteger("exit_code"));
      assertTrue(result.getString("stdout").startsWith("hello from"), result.encode());
      assertEquals("oops\n", result.getString("stderr"));
      Set<String> streams = chunks.stream().filter(c -> commandId.equals(c.getString("command_id")))
          .map(c -> c.getString("stream")).collect(Collectors.toSet());
      assertEquals(Set.of("stdout", "stderr"), streams, "both streams arrived live");

      // kill -9 the worker JVM: every worker is offline within 3 missed heartbeats (plus one sweep).
      Instant killed = Instant.now();
      workers.close();
      Await.until(Duration.ofSeconds(15), "all 50 workers offline", () -> {
        JsonArray list = new JsonArray(http.get("/api/workers", ADMIN).body());
        return list.stream().map(JsonObject.class::cast).allMatch(w -> "offline".equals(w.getString("status")))
            ? Boolean.TRUE : null;
      });
      LOG.info("All 50 workers offline {} ms after the kill", Duration.between(killed, Instant.now()).toMillis());
    } finally {
      server.close();
    }
  }
}
