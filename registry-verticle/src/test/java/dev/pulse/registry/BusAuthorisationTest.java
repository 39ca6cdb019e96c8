package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.BusPolicy;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.signing.BusGrants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry authorises changes itself: no grant 401, the wrong role 403, and nothing happens. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BusAuthorisationTest {

  private RegistryHarness registry;
  private RegistryClient stranger;
  private RegistryClient employee;

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject());
    registry.connect("w-1", "web-01", RegistryHarness.SHARED_KEY).await();
    stranger = new RegistryClient(vertx.eventBus(), 5_000);
    employee = stranger.as(new BusClient.Grant(
        BusGrants.fromDispatchKey(RegistryHarness.DISPATCH_KEYS.getPrivate()), "eve", BusPolicy.EMPLOYEE));
  }

  private static PulseException failure(Future<?> request) {
    Throwable cause = request.transform(done -> Future.succeededFuture(done.cause())).await();
    return (PulseException) cause;
  }

  @Test
  void aDirectCommandWithoutAGrantIsRefusedAndNeverStored() {
    PulseException refused = failure(stranger.runCommand(new JsonObject().put("worker_id", "w-1")
        .put("command", "rm -rf /tmp/x").put("requested_by", "mallory")));
    assertEquals(401, refused.status());
    assertEquals(0L, registry.count("SELECT COUNT(*) FROM commands").await());
  }

  @Test
  void workerDeletionAndKeyChangesNeedAnAdminGrant() {
    assertEquals(401, failure(stranger.delete("w-1")).status());
    assertEquals(403, failure(employee.delete("w-1")).status());
    assertEquals(403, failure(employee.revokeKey("w-1", "eve")).status());
    assertEquals(403, failure(employee.rotateKey("w-1", "eve")).status());
    assertEquals("online", registry.workerRow("w-1").await().getString("status"));
    assertEquals(1, stranger.list().await().size(), "reads need no grant");
  }
}
