package dev.pulse.engine.run;

import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.engine.decide.Decider;
import dev.pulse.engine.notify.Notifier;
import dev.pulse.engine.store.CommandStore;
import dev.pulse.engine.store.ExecutionStore;
import io.vertx.core.Vertx;

/** Assembles a {@link Runner} with its effects. */
public final class RunnerFactory {

  private RunnerFactory() {
  }

  public static Runner create(Vertx vertx, String node, Decider decider, ExecutionStore executions,
      CommandStore commands, RegistryClient registry, WorkerClient workers, Notifier notifier) {
    Effects effects = new Effects(vertx.eventBus(), registry, workers,
        new Acceptances(vertx, commands));
    return new Runner(vertx, node, decider, executions, commands, registry, effects, notifier);
  }
}
