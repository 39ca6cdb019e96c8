package dev.pulse.launcher;

import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Dev mode with two real workers, {@code alpha} (the local one) and {@code beta}, both online,
 * commands running in {@code dir}; driven through the REST API.
 */
record TwoWorkerDevMode(Launched pulse, Http http, ApiDriver api, Path dir, JsonObject settings) implements AutoCloseable {

  static TwoWorkerDevMode start(String name) throws Exception {
    return start(name, new JsonObject());
  }

  /** With {@code extra} settings on top of the test defaults. */
  static TwoWorkerDevMode start(String name, JsonObject extra) throws Exception {
    Path dir = TestDatabase.dataDir().resolve(name + "-" + UUID.randomUUID());
    Files.createDirectories(dir);
    JsonObject settings = Settings.defaults().put("DATA_DIR", dir.toString()).put("PORT", 0)
        .put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "alpha").put("WORKER_CWD", dir.toString()).mergeIn(extra);
    Launched pulse = DevMode.start(settings);
    Workers.deploy(pulse.vertx(), settings.copy().put("WORKER_NAME", "beta"), 1);
    Http http = new Http(pulse.httpPort());
    ApiDriver api = new ApiDriver(http);
    Await.until(Duration.ofSeconds(30), "both workers online", () -> api.onlineWorkers() == 2 ? Boolean.TRUE : null);
    return new TwoWorkerDevMode(pulse, http, api, dir, settings);
  }

  @Override
  public void close() {
    http.close();
    pulse.close();
  }
}
