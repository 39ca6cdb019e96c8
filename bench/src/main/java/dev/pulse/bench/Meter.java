package dev.pulse.bench;

import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a phase's work went: CPU time of each process (server, worker JVMs, MariaDB, this
 * benchmark) and MariaDB's own counters ({@code SHOW GLOBAL STATUS}: statements, commits, fsyncs,
 * bytes), so a cost can be divided by the executions or steps that caused it.
 */
final class Meter {

  /** The MariaDB counters kept. */
  static final List<String> COUNTERS = List.of("Questions", "Com_select", "Com_insert", "Com_update", "Com_delete",
      "Com_commit", "Innodb_os_log_fsyncs", "Innodb_data_fsyncs", "Innodb_os_log_written", "Innodb_data_written",
      "Bytes_received", "Bytes_sent");

  private final Pool pool;
  private final Map<String, Long> pids;

  Meter(Vertx vertx, DbConfig db, Map<String, Long> pids) {
    this.pool = Database.pool(vertx, new DbConfig(db.host(), db.port(), db.database(), db.user(), db.password(), 1),
        "bench-meter");
    this.pids = pids;
  }

  /** A reading now. */
  Reading read() {
    Map<String, Long> cpu = new LinkedHashMap<>();
    pids.forEach((name, pid) -> cpu.put(name, pid > 0 ? ProcStats.cpuMillis(pid) : 0));
    Map<String, Map<String, Long>> threads = new LinkedHashMap<>();
    pids.forEach((name, pid) -> {
      if (pid > 0 && !name.equals("mariadb")) {
        threads.put(name, ProcStats.cpuMillisByThread(pid));
      }
    });
    Map<String, Long> db = new LinkedHashMap<>();
    for (Row row : pool.query("SHOW GLOBAL STATUS").execute().await()) {
      String name = row.getString(0);
      if (COUNTERS.contains(name)) {
        db.put(name, Long.parseLong(row.getString(1)));
      }
    }
    return new Reading(System.nanoTime(), cpu, threads, db);
  }

  /**
   * For diagnosis only: each command of an execution as stored ({@code commands} table) — when the
   * engine stored its dispatch, when the worker says it ended and how long it ran, when the engine
   * stored the result — in epoch milliseconds.
   */
  io.vertx.core.json.JsonArray commandTimes(String executionId) {
    io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
    for (Row row : pool.preparedQuery("SELECT created_at, completed_at, result FROM commands WHERE execution_id = ?"
        + " ORDER BY created_at").execute(io.vertx.sqlclient.Tuple.of(executionId)).await()) {
      JsonObject result = Database.jsonObject(row, "result");
      out.add(new JsonObject()
          .put("stored", epoch(row.getLocalDateTime("created_at")))
          .put("worker_ended", result == null ? null : result.getLong("timestamp"))
          .put("worker_duration", result == null ? null : result.getLong("duration"))
          .put("result_stored", epoch(row.getLocalDateTime("completed_at"))));
    }
    return out;
  }

  private static Long epoch(java.time.LocalDateTime utc) {
    return utc == null ? null : utc.toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
  }

  void close() {
    pool.close().await();
  }

  /** The thread groups that used the most CPU between two readings, in milliseconds. */
  static JsonObject topThreads(Map<String, Long> now, Map<String, Long> before) {
    JsonObject top = new JsonObject();
    if (now == null || before == null) {
      return null;
    }
    now.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  /** Counters at one moment. */
  record Reading(long nanos, Map<String, Long> cpuMillis, Map<String, Map<String, Long>> threads,
      Map<String, Long> db) {

    /**
     * What happened since {@code before}: each process's CPU as a percentage of one core and in
     * milliseconds per {@code unit}, and each MariaDB counter per {@code unit} ({@code units} of them).
     */
    JsonObject since(Reading before, double units, String unit) {
      double seconds = (nanos - before.nanos) / 1e9;
      JsonObject cpu = new JsonObject();
      cpuMillis.forEach((name, now) -> {
        long used = now - before.cpuMillis.getOrDefault(name, now);
        cpu.put(name, new JsonObject().put("percent_of_one_core", Stats.round(used / 10.0 / seconds))
            .put("ms_per_" + unit, units > 0 ? Stats.round(used / units) : null)
            .put("top_threads_ms", topThreads(threads.get(name), before.threads.get(name))));
      });
      JsonObject db = new JsonObject();
      this.db.forEach((name, now) -> db.put(name + "_per_" + unit,
          units > 0 ? Stats.round((now - before.db.getOrDefault(name, now)) / units) : null));
      return new JsonObject().put("seconds", Stats.round(seconds)).put(unit + "s", Stats.round(units))
          .put("cpu", cpu).put("mariadb", db);
    }
  }
}
