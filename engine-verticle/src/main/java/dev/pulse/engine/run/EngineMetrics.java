package dev.pulse.engine.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.pulse.engine.decide.Action;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The engine's meters, fed by the events of stored decisions, so a change is counted once it is
 * durable: {@code pulse.executions} (ended, by status), {@code pulse.executions.active} (held by
 * this engine), {@code pulse.step.duration} (by step type and status) and
 * {@code pulse.prompt.wait} (from a prompt's question to its answer).
 */
final class EngineMetrics {

  private static final Set<String> ENDED = Set.of("completed", "failed", "cancelled");

  private final MeterRegistry registry;
  private final Gauge active;

  EngineMetrics(MeterRegistry registry, String node, Supplier<Number> activeExecutions) {
    this.registry = registry;
    this.active = Gauge.builder("pulse.executions.active", activeExecutions)
        .description("Executions this engine is running or waiting on").tag("engine", node)
        .strongReference(true).register(registry);
  }

  /** Counts what the events among a stored decision's actions say happened. */
  void observe(List<Action> actions) {
    for (Action action : actions) {
      if (action instanceof Action.Publish publish) {
        observe(publish.body());
      }
    }
  }

  private void observe(Map<String, Object> event) {
    Object type = event.get("type");
    if ("execution_status".equals(type) && event.get("status") instanceof String status && ENDED.contains(status)) {
      Counter.builder("pulse.executions").description("Executions ended, by final status").tag("status", status)
          .register(registry).increment();
    } else if ("step_finished".equals(type) && event.get("duration_ms") instanceof Number duration
        && event.get("step_type") instanceof String stepType) {
      long millis = Math.max(0, duration.longValue());
      timer("pulse.step.duration", "Time from a step's start to its end", Duration.ofDays(1))
          .tag("type", stepType).tag("status", String.valueOf(event.get("status")))
          .register(registry).record(millis, TimeUnit.MILLISECONDS);
      if ("prompt".equals(stepType)) {
        timer("pulse.prompt.wait", "Time a prompt waited for its answer", Duration.ofDays(7))
            .register(registry).record(millis, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Removes this engine's gauge (its executions are no longer counted here). */
  void close() {
    registry.remove(active);
  }

  private static Timer.Builder timer(String name, String description, Duration longest) {
    return Timer.builder(name).description(description).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(longest);
  }
}
