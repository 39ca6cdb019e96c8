package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.signing.DispatchVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** REGISTRY_COMMAND, REGISTRY_RESULTS and REGISTRY_COMMAND_GET, with stand-in workers on the bus. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectCommandTest {

  private static final String KEY = RegistryHarness.SHARED_KEY;

  private RegistryHarness registry;

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300));
    registry.connect("w-1", "web-01", KEY).await();
  }

  @Test
  void commandRunsOnTheWorkerAndItsFirstResultIsKept(VertxTestContext ctx) {
    String[] commandId = new String[1];
    // The stand-in checks that the row exists before it is asked to run anything.
    StandInWorker.start(registry.vertx, "w-1", dispatch -> registry
            .count("SELECT COUNT(*) FROM commands WHERE command_id = ? AND status = 'dispatched'",
                dispatch.getString("command_id"))
            .map(rows -> new JsonObject().put("accepted", rows == 1L).put("queued", 0)))
        .map(worker -> worker.heartbeatEvery(100, registry.client, "web-01", KEY, new JsonObject()))
        .compose(worker -> registry.client.runCommand(new JsonObject().put("worker_id", "w-1")
                .put("command", "uptime").put("requested_by", "alice"))
            .compose(reply -> {
              commandId[0] = reply.getString("command_id");
              assertEquals(new JsonObject().put("command_id", commandId[0]).put("worker_id", "w-1")
                  .put("worker_name", "web-01").put("status", "dispatched"), reply);
              return worker.dispatched();
            }))
        .compose(json -> {
          CommandDispatch dispatch = CommandDispatch.fromJson(json);
          assertEquals(Optional.empty(), new DispatchVerifier(
              List.of(RegistryHarness.DISPATCH_KEYS.getPublic()), 60_000).check(dispatch, "w-1"),
              "signed for w-1 by the registry");
          assertEquals(commandId[0], dispatch.commandId());
          assertEquals("uptime", dispatch.command());
          assertNull(dispatch.executionId());
          assertEquals(-1, dispatch.stepIndex());
          assertEquals(CommandDispatch.DEFAULT_TIMEOUT_MS, dispatch.timeout());
          assertEquals(Addresses.REGISTRY_RESULTS, dispatch.replyTo());
          return registry.sendResult(result(commandId[0], true, " 10:00 up 3 days"));
        })
        .compose(ack -> {
          assertEquals(new JsonObject().put("ok", true), ack);
          return registry.sendResult(result(commandId[0], false, "a second, conflicting result"));
        })
        .compose(duplicate -> {
          assertTrue(duplicate.getBoolean("ok"), "duplicates are acknowledged so the worker drops them");
          assertTrue(duplicate.getBoolean("duplicate"));
          return registry.client.command(commandId[0]);
        })
        .onComplete(ctx.succeeding(command -> ctx.verify(() -> {
          assertEquals(commandId[0], command.getString("command_id"));
          assertEquals("w-1", command.getString("worker_id"));
          assertEquals("web-01", command.getString("worker_name"));
          assertEquals("uptime", command.getString("command"));
          assertEquals("completed", command.getString("status"));
          assertEquals("alice", command.getString("requested_by"));
          assertTrue(command.getString("created_at").endsWith("Z"));
          assertNotNull(command.getString("completed_at"));
          assertEquals(" 10:00 up 3 days", command.getJsonObject("result").getString("stdout"));
          assertTrue(command.getJsonObject("result").getBoolean("success"));
          ctx.completeNow();
        })));
  }

  @Test
  void commandAddressedByWorkerNameWithATimeoutThatFailsIsStoredFailed(VertxTestContext ctx) {
    String[] commandId = new String[1];
    StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting())
        .map(worker -> worker.heartbeatEvery(100, registry.client, "web-01", KEY, new JsonObject()))
        .compose(worker -> registry.client.runCommand(new JsonObject().put("worker_id", "web-01")
                .put("command", "false").put("timeout", 5_000))
            .compose(reply -> {
              commandId[0] = reply.getString("command_id");
              assertEquals("w-1", reply.getString("worker_id"));
              return worker.dispatched();
            }))
        .compose(dispatch -> {
          assertEquals(5_000L, dispatch.getLong("timeout"));
          return registry.sendResult(result(commandId[0], false, ""));
        })
        .compose(ack -> registry.client.command(commandId[0]))
        .onComplete(ctx.succeeding(command -> ctx.verify(() -> {
          assertEquals("failed", command.getString("status"));
          assertEquals(5_000L, command.getLong("timeout"));
          assertFalse(command.getJsonObject("result").getBoolean("success"));
          ctx.completeNow();
        })));
  }

  @Test
  void invalidCommandRequestsAre400(VertxTestContext ctx) {
    Await.failure(run(new JsonObject().put("worker_id", "w-1")), 400)
        .compose(missing -> {
          assertTrue(missing.getMessage().startsWith("command is required"), missing.getMessage());
          return Await.failure(run(new JsonObject().put("worker_id", "w-1").put("command", "  ")), 400);
        })
        .compose(blank -> Await.failure(run(command().put("timeout", 0)), 400))
        .compose(zero -> Await.failure(run(command().put("timeout", -5)), 400))
        .compose(negative -> Await.failure(run(command().put("timeout", 86_400_001L)), 400))
        .compose(tooLong -> Await.failure(run(command().put("timeout", "10")), 400))
        .compose(text -> {
          assertTrue(text.getMessage().startsWith("timeout must be a positive number"), text.getMessage());
          return Await.failure(run(new JsonObject().put("command", "uptime")), 400);
        })
        .compose(noWorker -> registry.count("SELECT COUNT(*) FROM commands"))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(0L, rows);
          ctx.completeNow();
        })));
  }

  @Test
  void commandForAnUnknownWorkerIs404(VertxTestContext ctx) {
    Await.failure(run(new JsonObject().put("worker_id", "db-9").put("command", "uptime")), 404)
        .onComplete(ctx.succeeding(unknown -> ctx.verify(() -> {
          assertTrue(unknown.getMessage().contains("db-9"));
          ctx.completeNow();
        })));
  }

  @Test
  void commandForAnOfflineWorkerIs409(VertxTestContext ctx) {
    registry.events.next("w-1", "offline")
        .compose(offline -> Await.failure(run(command()), 409))
        .compose(conflict -> {
          assertEquals("worker 'web-01' is offline", conflict.getMessage());
          return registry.count("SELECT COUNT(*) FROM commands");
        })
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(0L, rows);
          ctx.completeNow();
        })));
  }

  @Test
  void commandForADrainingWorkerIs409(VertxTestContext ctx) {
    registry.heartbeat("w-1", "web-01", KEY, new JsonObject().put("draining", true))
        .compose(draining -> Await.failure(run(command()), 409))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void commandForAnUnreachableWorkerIsMarkedFailed(VertxTestContext ctx) {
    run(command())
        .compose(reply -> {
          assertEquals("dispatched", reply.getString("status"));
          return Await.until(registry.vertx, () -> registry.client.command(reply.getString("command_id")),
              command -> "failed".equals(command.getString("status")), 5_000);
        })
        .onComplete(ctx.succeeding(command -> ctx.verify(() -> {
          assertEquals("worker_unreachable", command.getJsonObject("result").getString("error"));
          ctx.completeNow();
        })));
  }

  @Test
  void commandTheWorkerFailsWithAStatusIsMarkedRefused(VertxTestContext ctx) {
    StandInWorker.start(registry.vertx, "w-1", dispatch -> Future.failedFuture(
            PulseException.conflict("worker is draining")))
        .compose(worker -> run(command()))
        .compose(reply -> Await.until(registry.vertx, () -> registry.client.command(reply.getString("command_id")),
            command -> "failed".equals(command.getString("status")), 5_000))
        .onComplete(ctx.succeeding(command -> ctx.verify(() -> {
          assertEquals("worker_refused", command.getJsonObject("result").getString("error"));
          assertTrue(command.getJsonObject("result").getString("message").contains("draining"));
          ctx.completeNow();
        })));
  }

  @Test
  void commandRefusedByTheWorkerIsMarkedFailed(VertxTestContext ctx) {
    StandInWorker.start(registry.vertx, "w-1", dispatch -> Future.succeededFuture(
            new JsonObject().put("accepted", false).put("reason", "queue full")))
        .compose(worker -> run(command()))
        .compose(reply -> Await.until(registry.vertx, () -> registry.client.command(reply.getString("command_id")),
            command -> "failed".equals(command.getString("status")), 5_000))
        .onComplete(ctx.succeeding(command -> ctx.verify(() -> {
          assertEquals("worker_refused", command.getJsonObject("result").getString("error"));
          assertTrue(command.getJsonObject("result").getString("message").contains("queue full"));
          ctx.completeNow();
        })));
  }

  @Test
  void workerGoingOfflineFailsItsWaitingCommandsAsLostButALateRealResultStillCounts(VertxTestContext ctx) {
    String[] commandId = new String[1];
    StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting())
        .map(worker -> worker.heartbeatEvery(100, registry.client, "web-01", KEY, new JsonObject()))
        .compose(worker -> run(command())
            .compose(reply -> {
              commandId[0] = reply.getString("command_id");
              return worker.dispatched();
            })
            .map(dispatched -> {
              worker.stopHeartbeats();
              return dispatched;
            }))
        .compose(dispatched -> registry.events.next("w-1", "offline"))
        .compose(offline -> Await.until(registry.vertx, () -> registry.client.command(commandId[0]),
            command -> "failed".equals(command.getString("status")), 5_000))
        .compose(lost -> {
          JsonObject marker = lost.getJsonObject("result");
          assertEquals("worker_lost", marker.getString("error"));
          assertEquals(commandId[0], marker.getString("command_id"));
          assertEquals("w-1", marker.getString("worker_id"));
          return registry.sendResult(result(commandId[0], true, "ran after all"));
        })
        .compose(ack -> {
          assertFalse(ack.containsKey("duplicate"), "a real result replaces the registry's worker_lost marker");
          return registry.sendResult(result(commandId[0], false, "later still"));
        })
        .compose(duplicate -> {
          assertTrue(duplicate.getBoolean("duplicate"));
          return registry.client.command(commandId[0]);
        })
        .onComplete(ctx.succeeding(command -> ctx.verify(() -> {
          assertEquals("completed", command.getString("status"));
          assertEquals("ran after all", command.getJsonObject("result").getString("stdout"));
          ctx.completeNow();
        })));
  }

  @Test
  void deletingAWorkerFailsItsWaitingCommandsAsLost(VertxTestContext ctx) {
    StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting())
        .compose(worker -> run(command()))
        .compose(reply -> registry.client.delete("w-1").map(reply.getString("command_id")))
        .compose(id -> Await.until(registry.vertx, () -> registry.client.command(id),
            command -> "failed".equals(command.getString("status")), 5_000))
        .onComplete(ctx.succeeding(command -> ctx.verify(() -> {
          assertEquals("worker_lost", command.getJsonObject("result").getString("error"));
          ctx.completeNow();
        })));
  }

  @Test
  void unknownCommandIs404AndAMissingIdIs400(VertxTestContext ctx) {
    Await.failure(registry.client.command("no-such-command"), 404)
        .compose(unknown -> Await.failure(registry.client.request(Addresses.REGISTRY_COMMAND_GET, new JsonObject(),
            "registry"), 400))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void resultForAnUnknownCommandIsAcknowledgedAndOneWithoutAnIdIs400(VertxTestContext ctx) {
    registry.sendResult(result("no-such-command", true, ""))
        .compose(ack -> {
          assertTrue(ack.getBoolean("ok"));
          return Await.failure(registry.sendResult(new JsonObject().put("success", true)), 400);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<JsonObject> run(JsonObject request) {
    return registry.client.runCommand(request);
  }

  private static JsonObject command() {
    return new JsonObject().put("worker_id", "w-1").put("command", "uptime");
  }

  private static JsonObject result(String commandId, boolean success, String stdout) {
    return new CommandResult(commandId, null, -1, "w-1", success, success ? 0 : 1, stdout, "", 12, false, false,
        null, System.currentTimeMillis()).toJson();
  }
}
