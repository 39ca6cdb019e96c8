package dev.pulse.worker;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The worker agent: runs commands on this host and reports to the registry. */
public class WorkerVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
