package dev.pulse.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Untimed work before the first scenario: a fresh JVM spends its first minute compiling (the JIT
 * threads used most of the server's CPU in a cold S3), and a server in service has long done that.
 * Every kind of work the scenarios do runs here first: a long workflow, fan-outs, a steady load.
 */
final class Preheat {

  private static final Logger LOG = LoggerFactory.getLogger(Preheat.class);

  private Preheat() {
  }

  static JsonObject run(Fleet fleet, Meter meter, Executions executions, Load load, Profile profile) {
    long began = System.nanoTime();
    Meter.Reading before = meter.read();
    String worker = fleet.spread(2).get(1);
    JsonArray steps = new JsonArray();
    for (int i = 1; i <= 50; i++) {
      steps.addAll(Executions.executeStep("step " + i, List.of(worker), "true"));
    }
    String longWorkflow = fleet.api.createWorkflow("preheat-long", steps).await();
    String wide = fleet.api.createWorkflow("preheat-wide", Executions.executeStep("true", List.of("bench"), "true"))
        .await();
    executions.run(longWorkflow, 120_000).await();
    for (int i = 0; i < 3; i++) {
      executions.run(wide, 60_000).await();
    }
    long left = profile.preheatMs() - (System.nanoTime() - began) / 1_000_000;
    Load.Result steady = load.closed(profile.concurrency(), Math.max(5_000, left));
    JsonObject cost = meter.read().since(before, 1, "preheat");
    LOG.info("Preheated in {} s ({} executions)", (System.nanoTime() - began) / 1_000_000_000, steady.samples().size() + 4);
    return new JsonObject().put("seconds", (System.nanoTime() - began) / 1_000_000_000)
        .put("executions", steady.samples().size() + 4).put("cost", cost);
  }
}
