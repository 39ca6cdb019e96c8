package dev.pulse.launcher;

import dev.pulse.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/** Deploys worker agents: one per host normally, many in one JVM to simulate a fleet. */
final class Workers {

  private Workers() {
  }

  /**
   * Deploys {@code instances} workers. With one, it is named WORKER_NAME (default: host name);
   * with several, {@code <WORKER_NAME>-1 … -N}, each with its own state directory.
   */
  static void deploy(Vertx vertx, JsonObject settings, int instances) {
    String base = settings.getString("WORKER_NAME");
    if (base == null || base.isBlank()) {
      base = hostName();
    }
    Path stateRoot = Path.of(settings.getValue("WORKER_STATE_DIR") != null
        ? settings.getValue("WORKER_STATE_DIR").toString()
        : Path.of(settings.getValue("DATA_DIR", "data").toString(), "worker").toString());
    for (int i = 1; i <= instances; i++) {
      String name = instances == 1 ? base : base + "-" + i;
      JsonObject config = settings.copy().put("WORKER_NAME", name)
          .put("WORKER_STATE_DIR", stateRoot.resolve(name).toString());
      vertx.deployVerticle(new WorkerVerticle(), new DeploymentOptions().setConfig(config)).await();
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "worker";
    }
  }
}
