package dev.pulse.registry.workers;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry's meters: {@code pulse.workers} (by status), {@code pulse.commands.in.flight} and
 * {@code pulse.commands.queued} (as the workers last reported them) and
 * {@code pulse.heartbeat.lag} (how much later than its interval each heartbeat arrived).
 *
 * <p>The fleet lives on the registry's event loop while a scrape comes from any thread, so the
 * gauges read figures the sweep copies out, never the fleet itself.
 */
final class RegistryMetrics {

  private static final List<String> STATUSES = List.of(WorkerStatus.ONLINE, WorkerStatus.BUSY,
      WorkerStatus.DRAINING, WorkerStatus.OFFLINE, WorkerStatus.REVOKED);

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> workers = new LinkedHashMap<>();
  private final AtomicLong running = new AtomicLong();
  private final AtomicLong queued = new AtomicLong();
  private final Timer lag;
  private final List<Meter> meters = new ArrayList<>();

  RegistryMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String status : STATUSES) {
      AtomicLong count = new AtomicLong();
      workers.put(status, count);
      meters.add(Gauge.builder("pulse.workers", count, AtomicLong::get).description("Workers, by status")
          .tag("status", status).register(registry));
    }
    meters.add(Gauge.builder("pulse.commands.in.flight", running, AtomicLong::get)
        .description("Commands running on live workers, as their last heartbeats said").register(registry));
    meters.add(Gauge.builder("pulse.commands.queued", queued, AtomicLong::get)
        .description("Commands queued on live workers, as their last heartbeats said").register(registry));
    lag = Timer.builder("pulse.heartbeat.lag").description("How much later than HEARTBEAT_INTERVAL a heartbeat came")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    meters.add(lag);
  }

  /** A heartbeat from a worker whose previous one came at {@code previous} (null for its first). */
  void heartbeat(java.time.Instant previous, java.time.Instant now, Duration interval) {
    if (previous != null) {
      long late = Duration.between(previous, now).minus(interval).toMillis();
      lag.record(Duration.ofMillis(Math.max(0, late)));
    }
  }

  /** Copies the fleet's figures out for the gauges; runs on the registry's event loop. */
  void update(Iterable<Worker> fleet) {
    Map<String, Long> counts = new LinkedHashMap<>();
    long tasks = 0;
    long waiting = 0;
    for (Worker worker : fleet) {
      counts.merge(worker.status(), 1L, Long::sum);
      if (WorkerStatus.isLive(worker.status()) && worker.metadata() != null) {
        tasks += number(worker.metadata().getValue("tasks_running"));
        waiting += number(worker.metadata().getValue("tasks_queued"));
      }
    }
    workers.forEach((status, count) -> count.set(counts.getOrDefault(status, 0L)));
    running.set(tasks);
    queued.set(waiting);
  }

  /** Takes the meters away (the registry stopped). */
  void close() {
    meters.forEach(registry::remove);
  }

  private static long number(Object value) {
    return value instanceof Number n ? Math.max(0, n.longValue()) : 0;
  }
}
