package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker cut off the network, not killed: its JVM runs in its own network namespace joined to
 * the server's by a veth pair, and the test takes the link down while a command runs. The
 * cluster drops the worker, the command finishes during the cut, and when the link comes back
 * the worker rejoins and delivers the buffered result, once, replacing the registry's
 * "worker_lost" guess.
 *
 * <p>Needs root for {@code ip netns}; where that is refused the test is skipped with the reason.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NetworkCutTest {

  private static final Logger LOG = LoggerFactory.getLogger(NetworkCutTest.class);
  private static final Map<String, String> ADMIN = ApiDriver.ADMIN;

  private String namespace;
  private String hostLink;
  private String hostIp;
  private String workerIp;

  @BeforeEach
  void createNamespace() {
    int subnet = ThreadLocalRandom.current().nextInt(16, 250);
    namespace = "pulse-cut-" + ProcessHandle.current().pid() + "-" + subnet;
    hostLink = "pc" + subnet + "h";
    hostIp = "10.231." + subnet + ".1";
    workerIp = "10.231." + subnet + ".2";
    Assumptions.assumeTrue(ip("netns", "add", namespace).isEmpty(), "network namespaces are not available here");
    setUpLink(namespace, hostLink, hostIp, workerIp);
  }

  @AfterEach
  void removeNamespace() {
    if (namespace != null) {
      ip("link", "del", hostLink);
      ip("netns", "del", namespace);
    }
  }

  private List<String> inNamespace() {
    return List.of("ip", "netns", "exec", namespace);
  }

  private Map<String, String> workerAddresses() {
    return Map.of("CLUSTER_HOST", workerIp, "CLUSTER_MEMBERS", hostIp, "EVENTBUS_HOST", workerIp);
  }

  private JsonObject serverSettings(String cluster) {
    return TwoNodeClusterTest.serverSettings(TestDatabase.fresh(), cluster)
        .put("CLUSTER_HOST", hostIp).put("CLUSTER_MEMBERS", hostIp).put("EVENTBUS_HOST", hostIp)
        .put("WORKER_API_KEY", UUID.randomUUID().toString())
        .put("HEARTBEAT_INTERVAL", 1).put("OFFLINE_AFTER_MISSED", 3);
  }

  @Test
  void resultProducedWhileCutOffArrivesOnceAfterTheWorkerRejoins() throws IOException {
    String cluster = "pulse-cut-" + UUID.randomUUID();
    JsonObject settings = serverSettings(cluster);
    Launched server = ServerMode.start(settings, Set.of("api", "engine", "registry"));
    Path dir = TestDatabase.dataDir().resolve(cluster);
    Path sideEffects = Files.createDirectories(dir).resolve("ran.txt");
    Path startedFile = dir.resolve("started");
    try (Http http = new Http(server.httpPort());
         PulseProcess worker = PulseProcess.workerNode(inNamespace(), dir, settings, "islander", 1,
             workerAddresses())) {
      ApiDriver api = new ApiDriver(http);
      Await.until(Duration.ofSeconds(90), "the worker in its namespace online (log: " + worker.log() + ")",
          () -> api.onlineWorkers() == 1 ? Boolean.TRUE : null);

      Http.Response started = http.post("/api/workers/islander/command", new JsonObject()
          .put("command", "touch '" + startedFile + "'; sleep 6; echo once >> '" + sideEffects + "';"
              + " echo finished while cut off").encode(), ADMIN);
      assertEquals(202, started.status(), started.body());
      String commandId = started.json().getString("command_id");
      Await.until(Duration.ofSeconds(20), "the command running", () ->
          Files.exists(startedFile) ? Boolean.TRUE : null);

      ip("link", "set", hostLink, "down");
      LOG.info("Link {} down: worker cut off", hostLink);
      Await.until(Duration.ofSeconds(30), "the registry to give the worker up", () ->
          "offline".equals(workerStatus(http)) ? Boolean.TRUE : null);
      JsonObject lost = Await.until(Duration.ofSeconds(30), "the command marked worker_lost", () -> {
        JsonObject result = http.get("/api/commands/" + commandId, ADMIN).json().getJsonObject("result");
        return result != null ? result : null;
      });
      assertEquals("worker_lost", lost.getString("error"), lost.encode());
      // The worker keeps running its command while cut off.
      Await.until(Duration.ofSeconds(30), "the command to finish on the cut-off worker", () ->
          Files.exists(sideEffects) ? Boolean.TRUE : null);
      // Stay cut off long enough for the cluster membership to drop the worker as well.
      Await.until(Duration.ofSeconds(60), "the cluster to drop the worker's node", () ->
          clusterNodes(http) == 1 ? Boolean.TRUE : null);

      ip("link", "set", hostLink, "up");
      LOG.info("Link {} up again", hostLink);
      Await.until(Duration.ofSeconds(120), "the worker back online (log: " + hostLinkLog(worker) + ")",
          () -> "online".equals(workerStatus(http)) ? Boolean.TRUE : null);
      JsonObject result = Await.until(Duration.ofSeconds(60), "the buffered result delivered", () -> {
        JsonObject stored = http.get("/api/commands/" + commandId, ADMIN).json().getJsonObject("result");
        return stored != null && stored.getString("error") == null ? stored : null;
      });
      assertEquals(0, result.getInteger("exit_code"), result.encode());
      assertEquals("finished while cut off\n", result.getString("stdout"));
      assertEquals(List.of("once"), Files.readAllLines(sideEffects), "the command ran once");

      // The rejoined worker takes new work over the healed link.
      Http.Response again = http.post("/api/workers/islander/command",
          new JsonObject().put("command", "echo back").encode(), ADMIN);
      assertEquals(202, again.status(), again.body());
      String againId = again.json().getString("command_id");
      JsonObject second = Await.until(Duration.ofSeconds(30), "a command after the rejoin", () ->
          http.get("/api/commands/" + againId, ADMIN).json().getJsonObject("result"));
      assertEquals("back\n", second.getString("stdout"), second.encode());
    } finally {
      server.close();
    }
  }

  /**
   * The worker is restarted while cut off (an operator or systemd restarting the agent on an
   * isolated host): the result it produced before the restart waits in its outbox on disk and
   * arrives once when the new process reaches the cluster.
   */
  @Test
  void workerRestartedWhileCutOffDeliversItsBufferedResultOnce() throws IOException {
    String cluster = "pulse-cut-" + UUID.randomUUID();
    JsonObject settings = serverSettings(cluster);
    Launched server = ServerMode.start(settings, Set.of("api", "engine", "registry"));
    Path dir = TestDatabase.dataDir().resolve(cluster);
    Path sideEffects = Files.createDirectories(dir).resolve("ran.txt");
    Path startedFile = dir.resolve("started.txt");
    try (Http http = new Http(server.httpPort())) {
      ApiDriver api = new ApiDriver(http);
      String commandId;
      try (PulseProcess worker = PulseProcess.workerNode(inNamespace(), dir, settings, "phoenix", 1,
          workerAddresses())) {
        Await.until(Duration.ofSeconds(90), "the worker online", () -> api.onlineWorkers() == 1 ? Boolean.TRUE : null);
        Http.Response started = http.post("/api/workers/phoenix/command", new JsonObject()
            .put("command", "touch '" + startedFile + "'; sleep 3; echo once >> '" + sideEffects + "';"
                + " echo made before the restart").encode(), ADMIN);
        assertEquals(202, started.status(), started.body());
        commandId = started.json().getString("command_id");
        // 202 means the command is stored and on its way: cut the link once the worker runs it.
        Await.until(Duration.ofSeconds(20), "the command running", () ->
            Files.exists(startedFile) ? Boolean.TRUE : null);
        ip("link", "set", hostLink, "down");
        Await.until(Duration.ofSeconds(30), "the command to finish while cut off", () ->
            Files.exists(sideEffects) ? Boolean.TRUE : null);
        Await.until(Duration.ofSeconds(30), "the result to reach the outbox (log: " + hostLinkLog(worker) + ")",
            () -> worker.log().contains("Cannot deliver results") ? Boolean.TRUE : null);
        worker.process().destroy();  // SIGTERM: the agent stops as systemd would stop it
        Await.until(Duration.ofSeconds(30), "the old worker process to exit", () ->
            worker.process().isAlive() ? null : Boolean.TRUE);
      }
      try (PulseProcess restarted = PulseProcess.workerNode(inNamespace(), dir, settings, "phoenix", 1,
          workerAddresses())) {
        // Booting while cut off, the agent keeps trying to join instead of giving up.
        Await.until(Duration.ofSeconds(60), "the restarted worker to retry joining (log: " + hostLinkLog(restarted)
            + ")", () -> restarted.log().contains("Cannot join the PULSE cluster yet") ? Boolean.TRUE : null);
        assertTrue(restarted.process().isAlive(), "the agent is still running");
        ip("link", "set", hostLink, "up");
        Await.until(Duration.ofSeconds(90), "the restarted worker to resume its outbox (log: "
            + hostLinkLog(restarted) + ")", () ->
            restarted.log().contains("Resuming delivery of 1 result(s)") ? Boolean.TRUE : null);
        JsonObject result = Await.until(Duration.ofSeconds(90), "the buffered result delivered (log: "
            + hostLinkLog(restarted) + ")", () -> {
              JsonObject stored = http.get("/api/commands/" + commandId, ADMIN).json().getJsonObject("result");
              return stored != null && stored.getString("error") == null ? stored : null;
            });
        assertEquals(0, result.getInteger("exit_code"), result.encode());
        assertEquals("made before the restart\n", result.getString("stdout"));
        assertEquals(List.of("once"), Files.readAllLines(sideEffects), "the command ran once");
        Await.until(Duration.ofSeconds(30), "the restarted worker online", () ->
            "online".equals(workerStatus(http)) ? Boolean.TRUE : null);
      }
    } finally {
      server.close();
    }
  }

  private static String hostLinkLog(PulseProcess worker) {
    String log = worker.log();
    return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
  }

  private static String workerStatus(Http http) {
    JsonArray workers = new JsonArray(http.get("/api/workers", ADMIN).body());
    return workers.isEmpty() ? null : workers.getJsonObject(0).getString("status");
  }

  private static int clusterNodes(Http http) {
    JsonObject health = http.get("/health").json();
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(check -> check.getString("id").equals("cluster")).findFirst().orElseThrow()
        .getJsonObject("data").getInteger("nodes");
  }

  private static void setUpLink(String namespace, String hostLink, String hostIp, String workerIp) {
    String peer = hostLink.substring(0, hostLink.length() - 1) + "w";
    for (List<String> step : List.of(
        List.of("link", "add", hostLink, "type", "veth", "peer", "name", peer),
        List.of("link", "set", peer, "netns", namespace),
        List.of("addr", "add", hostIp + "/24", "dev", hostLink),
        List.of("link", "set", hostLink, "up"),
        List.of("-n", namespace, "addr", "add", workerIp + "/24", "dev", peer),
        List.of("-n", namespace, "link", "set", peer, "up"),
        List.of("-n", namespace, "link", "set", "lo", "up"))) {
      String error = ip(step.toArray(String[]::new));
      if (!error.isEmpty()) {
        throw new IllegalStateException("ip " + String.join(" ", step) + ": " + error);
      }
    }
  }

  /** Runs {@code ip args}; the empty string on success, else what it printed. */
  private static String ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor() == 0 ? "" : "exit " + process.exitValue() + ": " + output.trim();
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
