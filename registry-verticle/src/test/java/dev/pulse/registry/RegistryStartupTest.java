package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.Heartbeat;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.WorkerConnect;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Configuration, and what callers see when no registry is running. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryStartupTest {

  private static final String PRIVATE_KEY = dev.pulse.contracts.signing.DispatchKeys.base64(
      RegistryHarness.DISPATCH_KEYS.getPrivate());

  private static JsonObject minimal() {
    return new JsonObject().put("WORKER_API_KEY", "k").put("DB_HOST", "127.0.0.1").put("DB_PASSWORD", "p")
        .put("DISPATCH_PRIVATE_KEY", PRIVATE_KEY);
  }

  @Test
  void configDefaultsFollowTheSpec() {
    RegistryConfig config = RegistryConfig.from(minimal());
    assertEquals(Duration.ofSeconds(30), config.heartbeatInterval());
    assertEquals(3, config.offlineAfterMissed());
    assertEquals(Duration.ofSeconds(90), config.offlineAfter());
    assertEquals(5_000, config.busTimeoutMs());
    assertEquals(Duration.ofSeconds(1), config.flushInterval());
  }

  @Test
  void heartbeatIntervalInMillisecondsWinsOverSeconds() {
    RegistryConfig config = RegistryConfig.from(minimal().put("HEARTBEAT_INTERVAL", 30)
        .put("HEARTBEAT_INTERVAL_MS", 300));
    assertEquals(Duration.ofMillis(300), config.heartbeatInterval());
  }

  @Test
  void badConfigurationFailsNamingTheKeyAndNeverPrintsTheKey() {
    assertTrue(assertThrows(ConfigException.class, () -> RegistryConfig.from(minimal().put("WORKER_API_KEY", " ")))
        .getMessage().startsWith("WORKER_API_KEY"));
    assertTrue(assertThrows(ConfigException.class, () -> RegistryConfig.from(minimal()
        .put("HEARTBEAT_INTERVAL", "soon"))).getMessage().startsWith("HEARTBEAT_INTERVAL"));
    assertTrue(assertThrows(ConfigException.class, () -> RegistryConfig.from(minimal()
        .put("OFFLINE_AFTER_MISSED", 0))).getMessage().startsWith("OFFLINE_AFTER_MISSED"));
    assertTrue(assertThrows(ConfigException.class, () -> RegistryConfig.from(minimal()
        .put("BUS_TIMEOUT_MS", -1))).getMessage().startsWith("BUS_TIMEOUT_MS"));
    assertFalse(RegistryConfig.from(minimal().put("WORKER_API_KEY", "s3cret")).toString().contains("s3cret"));
    assertTrue(assertThrows(ConfigException.class, () -> RegistryConfig.from(minimal()
        .putNull("DISPATCH_PRIVATE_KEY"))).getMessage().startsWith("DISPATCH_PRIVATE_KEY is required"));
    ConfigException badKey = assertThrows(ConfigException.class, () -> RegistryConfig.from(minimal()
        .put("DISPATCH_PRIVATE_KEY", "bm90IGEga2V5")));
    assertTrue(badKey.getMessage().startsWith("DISPATCH_PRIVATE_KEY"), badKey.getMessage());
    assertFalse(badKey.getMessage().contains("bm90IGEga2V5"));
    assertFalse(RegistryConfig.from(minimal()).toString().contains(PRIVATE_KEY));
  }

  @Test
  void deploymentWithoutTheSharedKeyFailsNamingIt(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new RegistryVerticle(), new DeploymentOptions().setConfig(new JsonObject()
            .put("DB_HOST", "127.0.0.1").put("DB_PASSWORD", "p")))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertInstanceOf(ConfigException.class, failure);
          assertTrue(failure.getMessage().startsWith("WORKER_API_KEY is required"), failure.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void deploymentAgainstAnUnreachableDatabaseFailsAsUnavailable(Vertx vertx, VertxTestContext ctx) throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    vertx.deployVerticle(new RegistryVerticle(), new DeploymentOptions().setConfig(minimal()
            .put("DB_PORT", closedPort)))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          PulseException unavailable = assertInstanceOf(PulseException.class, failure);
          assertEquals(503, unavailable.status());
          ctx.completeNow();
        })));
  }

  @Test
  void everyRegistryAddressAnswers503WhenNoRegistryRuns(Vertx vertx, VertxTestContext ctx) {
    RegistryClient client = new RegistryClient(vertx.eventBus(), 1_000);
    List<Future<?>> calls = List.of(client.ping(),
        client.connect(new WorkerConnect("w-1", "web-01", "k", List.of(), "1")),
        client.heartbeat(new Heartbeat("w-1", "web-01", "k", List.of(), new JsonObject())),
        client.list(), client.delete("w-1"), client.resolve(List.of("all")),
        client.runCommand(new JsonObject().put("worker_id", "w-1").put("command", "uptime")),
        client.command("c-1"), client.rotateKey("w-1", "ada"), client.revokeKey("w-1", "ada"),
        client.request(Addresses.REGISTRY_RESULTS, new JsonObject(), "registry"));
    Future.join(calls).onComplete(done -> ctx.verify(() -> {
      for (Future<?> call : calls) {
        assertTrue(call.failed());
        PulseException failure = assertInstanceOf(PulseException.class, call.cause());
        assertEquals(503, failure.status());
        assertEquals("The registry is not running; try again shortly", failure.getMessage());
      }
      ctx.completeNow();
    }));
  }
}
