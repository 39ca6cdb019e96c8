package dev.pulse.registry;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.BusPolicy;
import dev.pulse.contracts.Heartbeat;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.WorkerConnect;
import dev.pulse.contracts.signing.BusGrants;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.storage.Migrations;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/** A registry deployed on a fresh database, with a client and the pool to read its tables. */
final class RegistryHarness {

  static final String SHARED_KEY = "shared-enrolment-key-for-tests";
  /** The dispatch key pair the registry signs with; stand-in workers verify with its public half. */
  static final KeyPair DISPATCH_KEYS = DispatchKeys.generate();

  final Vertx vertx;
  final DbConfig db;
  final Pool pool;
  final RegistryClient client;
  final BusClient bus;
  final EventLog events;
  RegistryVerticle verticle;
  private String deploymentId;

  private RegistryHarness(Vertx vertx, DbConfig db, Pool pool) {
    this.vertx = vertx;
    this.db = db;
    this.pool = pool;
    // Requests as the API makes them for an admin: granted with a key derived from the dispatch key.
    this.client = new RegistryClient(vertx.eventBus(), 5_000).as(new BusClient.Grant(
        BusGrants.fromDispatchKey(DISPATCH_KEYS.getPrivate()), "test-admin", BusPolicy.ADMIN));
    this.bus = new BusClient(vertx.eventBus(), 5_000);
    this.events = new EventLog(vertx);
  }

  /**
   * Blocking (call from the test thread): a fresh migrated database and a deployed registry.
   *
   * @param overrides config keys on top of the test defaults
   */
  static RegistryHarness start(Vertx vertx, JsonObject overrides) {
    DbConfig db = TestDatabase.fresh();
    Pool pool = Database.pool(vertx, db);
    Migrations.apply(pool).await();
    RegistryHarness harness = new RegistryHarness(vertx, db, pool);
    harness.events.start().await();
    harness.deploy(overrides).await();
    return harness;
  }

  JsonObject config(JsonObject overrides) {
    return db.toConfig().put("WORKER_API_KEY", SHARED_KEY).put("BUS_TIMEOUT_MS", 1_000)
        .put("DISPATCH_PRIVATE_KEY", DispatchKeys.base64(DISPATCH_KEYS.getPrivate()))
        .put("REGISTRY_FLUSH_MS", 100).mergeIn(overrides);
  }

  Future<String> deploy(JsonObject overrides) {
    RegistryVerticle fresh = new RegistryVerticle();
    return vertx.deployVerticle(fresh, new DeploymentOptions().setConfig(config(overrides)))
        .andThen(done -> {
          if (done.succeeded()) {
            verticle = fresh;
            deploymentId = done.result();
          }
        });
  }

  Future<Void> undeploy() {
    return vertx.undeploy(deploymentId);
  }

  Future<JsonObject> connect(String id, String name, String key, String... groups) {
    return client.connect(new WorkerConnect(id, name, key, List.of(groups), "1.0.0"));
  }

  Future<JsonObject> heartbeat(String id, String name, String key, JsonObject metadata) {
    return client.heartbeat(new Heartbeat(id, name, key, List.of(), metadata));
  }

  /** Rows of a query on the registry's database. */
  Future<List<Row>> rows(String sql, Object... params) {
    return pool.preparedQuery(sql).execute(Tuple.wrap(params)).map(RegistryHarness::list);
  }

  /** The worker's row, or null. */
  Future<Row> workerRow(String id) {
    return rows("SELECT * FROM workers WHERE id = ?", id).map(rows -> rows.isEmpty() ? null : rows.get(0));
  }

  Future<Long> count(String sql, Object... params) {
    return rows(sql, params).map(rows -> rows.get(0).getLong(0));
  }

  /** Sends a command result the way a worker does. */
  Future<JsonObject> sendResult(JsonObject result) {
    return bus.request(Addresses.REGISTRY_RESULTS, result, "registry");
  }

  private static List<Row> list(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }
}
