package dev.pulse.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S6: the dashboard in a real headless Chromium, open on an execution whose one step prints a line
 * every 100 ms for 5 s on all 200 workers at once (2,000 output events a second through the SockJS
 * bridge, then 200 results). A probe injected before the dashboard's scripts (page-probe.js)
 * measures how late the page's main thread answers: a 20 ms timer's lag, the animation frames'
 * intervals and the long tasks, plus the DOM's size at the end. The browser reaches PULSE through
 * {@link SsoProxy}, as it would through the SSO proxy. Measured, not asserted: the target is the
 * point where a page feels stuck. With {@code --jfr} the page's own CPU profile is kept too
 * ({@code run/s6/page-N.cpuprofile}, for Chromium's DevTools or bench/cpuprofile-top.mjs).
 */
final class ChattyDashboard {

  private static final Logger LOG = LoggerFactory.getLogger(ChattyDashboard.class);

  /**
   * 50 lines, 100 ms apart, from one process: the output of the classic shell loop
   * {@code for i in $(seq 1 50); do echo line $i; sleep 0.1; done} without its 50 {@code sleep}
   * processes per host, which on 200 hosts would measure the machine's fork rate, not the page.
   */
  static final String COMMAND = "perl -e '$|=1; for (1..50) { print \"line $_\\n\"; select(undef,undef,undef,0.1) }'";
  static final double TARGET_P95_MS = 200;

  private ChattyDashboard() {
  }

  static JsonObject run(Fleet fleet, Executions executions, Profile profile, boolean cpuProfile) {
    if (!Files.isExecutable(Chromium.BINARY)) {
      return new JsonObject().put("error", "needs Debian's chromium: apt-get install -y chromium");
    }
    int hosts = fleet.workerNames.size();
    String workflow = fleet.api.createWorkflow("s6-chatty-output",
        Executions.executeStep("chatty", List.of("bench"), COMMAND)).await();
    String probe = resource("page-probe.js");
    SsoProxy proxy = SsoProxy.start(fleet.vertx, fleet.httpPort).await();
    Path dir = fleet.plan.runDir().resolve("s6");
    JsonArray runs = new JsonArray();
    List<Double> lag = new ArrayList<>();
    List<Double> frames = new ArrayList<>();
    List<Double> longTasks = new ArrayList<>();
    try (Chromium chromium = Chromium.start(fleet, fleet.vertx, dir, 1280, 1000)) {
      chromium.beforeEveryDocument(probe);
      String base = "http://127.0.0.1:" + proxy.port() + "/";
      for (int i = 0; i < profile.chattyRuns(); i++) {
        chromium.navigate(base + "#/executions");
        chromium.until("the dashboard live on the executions list", 60_000,
            "document.getElementById('connection')?.dataset.state === 'open'"
                + " && document.querySelector('[data-testid=view-executions]')");
        Fleet.Await.sleep(2_000);
        chromium.evaluate("__pulseProbe.reset()");
        Fleet.Await.sleep(3_000);
        JsonObject idle = (JsonObject) chromium.evaluate("__pulseProbe.report()");

        if (cpuProfile) {
          chromium.send("Profiler.enable", new JsonObject()).await();
          chromium.send("Profiler.setSamplingInterval", new JsonObject().put("interval", 500)).await();
          chromium.send("Profiler.start", new JsonObject()).await();
        }
        chromium.evaluate("__pulseProbe.reset()");
        long began = System.nanoTime();
        String id = fleet.api.startExecution(workflow).await();
        chromium.evaluate("location.hash = '#/executions/" + id + "'");
        Watch.End end = fleet.watch.end(id).timeout(180, TimeUnit.SECONDS).await();
        double executionMs = (end.nanos() - began) / 1e6;
        // the last results' re-render and any output still in flight
        Fleet.Await.sleep(2_000);
        JsonObject busy = (JsonObject) chromium.evaluate("__pulseProbe.report()");
        if (cpuProfile) {
          JsonObject recorded = chromium.send("Profiler.stop", new JsonObject()).await();
          Files.writeString(dir.resolve("page-" + (i + 1) + ".cpuprofile"), recorded.getJsonObject("profile").encode());
        }
        executions.verify(id, hosts);
        JsonObject run = summary(busy).put("execution_id", id).put("execution_ms", Stats.round(executionMs))
            .put("status", end.status()).put("idle_before", summary(idle));
        LOG.info("S6 run {}: timer lag p95 {} ms, max {} ms; {} long tasks; {} DOM nodes; {} of {} panes complete",
            i + 1, run.getJsonObject("timer_lag").getDouble("p95_ms"), run.getJsonObject("timer_lag")
                .getDouble("max_ms"), run.getInteger("long_tasks"), run.getInteger("dom_nodes"),
            run.getInteger("panes_with_last_line"), hosts);
        runs.add(run);
        lag.addAll(doubles(busy.getJsonArray("timer_lag_ms")));
        frames.addAll(doubles(busy.getJsonArray("frame_ms")));
        longTasks.addAll(doubles(busy.getJsonArray("long_tasks_ms")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      proxy.close().await();
    }
    Stats all = Stats.of(lag);
    JsonObject last = runs.getJsonObject(runs.size() - 1);
    return new JsonObject().put("hosts", hosts).put("command", COMMAND).put("runs", runs)
        .put("timer_lag", all.toJson()).put("frames", Stats.of(frames).toJson())
        .put("long_tasks", longTasks.size()).put("long_task_total_ms", Stats.round(sum(longTasks)))
        .put("long_task_max_ms", Stats.round(Stats.of(longTasks).max()))
        .put("dom_nodes", last.getInteger("dom_nodes")).put("output_panes", last.getInteger("output_panes"))
        .put("panes_with_last_line", last.getInteger("panes_with_last_line"))
        .put("target", "timer lag p95 <= " + TARGET_P95_MS + " ms").put("met", all.p95() <= TARGET_P95_MS);
  }

  private static JsonObject summary(JsonObject report) {
    List<Double> longTasks = doubles(report.getJsonArray("long_tasks_ms"));
    return new JsonObject().put("window_ms", Stats.round(report.getDouble("window_ms")))
        .put("timer_lag", Stats.of(doubles(report.getJsonArray("timer_lag_ms"))).toJson())
        .put("frames", Stats.of(doubles(report.getJsonArray("frame_ms"))).toJson())
        .put("long_task_supported", report.getBoolean("long_task_supported"))
        .put("long_tasks", longTasks.size()).put("long_task_total_ms", Stats.round(sum(longTasks)))
        .put("long_task_max_ms", Stats.round(Stats.of(longTasks).max()))
        .put("dom_nodes", report.getInteger("dom_nodes")).put("output_panes", report.getInteger("output_panes"))
        .put("output_chars", report.getInteger("output_chars"))
        .put("panes_with_last_line", report.getInteger("panes_with_last_line"))
        .put("connection", report.getString("connection"));
  }

  private static List<Double> doubles(JsonArray array) {
    List<Double> out = new ArrayList<>();
    if (array != null) {
      array.forEach(value -> out.add(((Number) value).doubleValue()));
    }
    return out;
  }

  private static double sum(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).sum();
  }

  private static String resource(String name) {
    try (InputStream in = ChattyDashboard.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the benchmark's classes");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
