package dev.pulse.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The results as a table for the terminal (and the README). */
final class Report {

  private final List<String[]> rows = new ArrayList<>();

  private Report() {
  }

  static String table(JsonObject results) {
    Report report = new Report();
    report.row("scenario", "PULSE", "raw limit, same run", "ratio", "target", "met");
    report.s1(results.getJsonObject("s1"));
    report.s2(results.getJsonObject("s2"));
    report.s3(results.getJsonObject("s3"));
    report.s4(results.getJsonObject("s4"));
    report.s5(results.getJsonObject("s5"));
    report.s6(results.getJsonObject("s6"));
    return report.render();
  }

  private void s1(JsonObject s1) {
    if (failed("S1 fan-out", s1)) {
      return;
    }
    for (Object item : s1.getJsonArray("rows", new JsonArray())) {
      JsonObject row = (JsonObject) item;
      JsonObject p = row.getJsonObject("pulse");
      JsonObject l = row.getJsonObject("limit");
      int n = row.getInteger("n");
      row("S1 fan-out N=" + n + ", p50 / p95", ms(p, "p50_ms") + " / " + ms(p, "p95_ms") + " ms",
          ms(l, "p50_ms") + " / " + ms(l, "p95_ms") + " ms",
          x(row.getDouble("ratio_p50")) + " / " + x(row.getDouble("ratio_p95")),
          n >= 50 ? "≤ 2×" : "", met(row.getBoolean("met")));
    }
  }

  private void s2(JsonObject s2) {
    if (failed("S2 throughput", s2)) {
      return;
    }
    JsonObject peak = s2.getJsonObject("peak");
    JsonObject half = s2.getJsonObject("half_rate");
    row("S2 peak, " + s2.getInteger("concurrency") + " in flight", num(peak.getDouble("completed_per_s")) + " exec/s",
        num(s2.getDouble("raw_spawns_per_s")) + " spawns/s", String.format("%.2f", s2.getDouble("ratio_to_raw")), "≥ 0.5",
        met(s2.getBoolean("met_rate")));
    row("S2 latency at peak, p50 / p99", ms(peak.getJsonObject("latency"), "p50_ms") + " / "
        + ms(peak.getJsonObject("latency"), "p99_ms") + " ms", "", "", "", "");
    row("S2 latency at " + num(half.getDouble("completed_per_s")) + "/s (half), p50 / p99",
        ms(half.getJsonObject("latency"), "p50_ms") + " / " + ms(half.getJsonObject("latency"), "p99_ms") + " ms",
        "", "", "p99 ≤ 50 ms", met(s2.getBoolean("met_p99")));
  }

  private void s3(JsonObject s3) {
    if (failed("S3 100 steps", s3)) {
      return;
    }
    JsonObject run = s3.getJsonArray("runs").getJsonObject(0);
    row("S3 100 steps, overhead per step", num(s3.getDouble("overhead_per_step_ms")) + " ms",
        "spawn " + ms(run.getJsonObject("raw_spawn"), "p50_ms") + " ms", "", "≤ 3 ms", met(s3.getBoolean("met")));
    row("S3 total for 100 steps", num(run.getDouble("total_ms")) + " ms", "", "", "", "");
  }

  private void s4(JsonObject s4) {
    if (failed("S4 idle", s4)) {
      return;
    }
    row("S4 server CPU idle, " + s4.getInteger("workers_connected") + " workers",
        num(s4.getDouble("server_cpu_percent_of_one_core")) + " % of a core", "", "", "< 1 %",
        met(s4.getBoolean("met_server_cpu")));
    row("S4 server RSS", num(s4.getDouble("server_rss_mib")) + " MiB", "", "", "", "");
    row("S4 worker JVM RSS, 1 instance at rest, as the systemd unit starts it",
        num(s4.getDouble("solo_worker_rss_max_mib")) + " MiB", "", "", "< 128 MiB", met(s4.getBoolean("met_worker_rss")));
    if (s4.getDouble("plain_worker_rss_max_mib") != null) {
      row("S4 same, started with no JVM options", num(s4.getDouble("plain_worker_rss_max_mib")) + " MiB", "", "",
          "(for comparison)", "");
    }
  }

  private void s5(JsonObject s5) {
    if (failed("S5 dashboards", s5)) {
      return;
    }
    row("S5 " + s5.getLong("clients_open") + " dashboards, delay p50 / p99",
        num(s5.getDouble("delay_p50_ms")) + " / " + num(s5.getDouble("delay_p99_ms")) + " ms",
        "", "", "p99 ≤ 100 ms", met(s5.getBoolean("met")));
    row("S5 deliveries missing", s5.getLong("deliveries_missing") + " of " + s5.getLong("deliveries_expected"), "",
        "", "0", "");
  }

  private void s6(JsonObject s6) {
    if (failed("S6 dashboard, chatty output", s6)) {
      return;
    }
    JsonObject lag = s6.getJsonObject("timer_lag");
    JsonObject frames = s6.getJsonObject("frames");
    row("S6 dashboard on " + s6.getInteger("hosts") + " chatty hosts, timer lag p95 / max",
        ms(lag, "p95_ms") + " / " + ms(lag, "max_ms") + " ms", "", "", "p95 ≤ 200 ms", met(s6.getBoolean("met")));
    row("S6 frame interval p95 / max", ms(frames, "p95_ms") + " / " + ms(frames, "max_ms") + " ms", "", "", "", "");
    row("S6 long tasks: count, total, longest", s6.getInteger("long_tasks") + ", "
        + num(s6.getDouble("long_task_total_ms")) + " ms, " + num(s6.getDouble("long_task_max_ms")) + " ms",
        "", "", "", "");
    row("S6 DOM nodes at the end; panes with all output", s6.getInteger("dom_nodes") + "; "
        + s6.getInteger("panes_with_last_line") + " of " + s6.getInteger("output_panes"), "", "", "", "");
  }

  private boolean failed(String name, JsonObject scenario) {
    if (scenario == null) {
      row(name, "not run", "", "", "", "");
      return true;
    }
    if (scenario.getString("error") != null) {
      row(name, "FAILED: " + scenario.getString("error"), "", "", "", "");
      return true;
    }
    return false;
  }

  private void row(String... cells) {
    rows.add(cells);
  }

  private String render() {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      out.append('|');
      for (int i = 0; i < widths.length; i++) {
        out.append(' ').append(pad(rows.get(r)[i], widths[i])).append(" |");
      }
      out.append('\n');
      if (r == 0) {
        out.append('|');
        for (int width : widths) {
          out.append('-').append("-".repeat(width)).append("-|");
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(width - text.length());
  }

  private static String ms(JsonObject stats, String key) {
    return stats == null ? "-" : num(stats.getDouble(key));
  }

  private static String num(Double value) {
    if (value == null || value.isNaN()) {
      return "-";
    }
    return Math.abs(value) >= 100 ? String.format("%.0f", value) : String.format("%.1f", value);
  }

  private static String x(Double value) {
    return value == null ? "-" : String.format("%.2f×", value);
  }

  private static String met(Boolean met) {
    return met == null ? "" : met ? "yes" : "**no**";
  }
}
