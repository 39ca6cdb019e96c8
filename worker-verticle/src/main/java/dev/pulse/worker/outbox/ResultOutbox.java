package dev.pulse.worker.outbox;

import static dev.pulse.contracts.LogKeys.COMMAND_ID;
import static dev.pulse.contracts.LogKeys.withIds;

import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.worker.exec.Finished;
import dev.pulse.worker.exec.WorkflowFinished;
import dev.pulse.worker.state.StateStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results on their way to their receivers ({@code reply_to}). Each is requested until a receiver
 * acknowledges it, and written to {@code outbox/<command_id>.json} unless acknowledged within
 * {@link #WRITE_AFTER_MS} (at once when a request fails, and when the worker stops), so results
 * made while the receiver is unreachable, or before a restart, still arrive. One result per command
 * id (for a local workflow: per execution id); receivers de-duplicate repeats.
 *
 * <p>Most results are acknowledged in a few milliseconds and never written: their command's
 * journal entry ({@code inflight/}) is deleted and a {@code delivered/} marker left. A crash of the
 * worker before either leaves the journal entry, which the next start reports as an interrupted
 * command; a receiver that already has the real result keeps it (the first result per command wins).
 *
 * <p>Each receiver address is a lane: while a lane fails, only one result probes it, after a backoff
 * of 1 s doubling to the configured maximum; the first acknowledgement releases the rest. Confined to
 * the worker's event loop; file work runs on an ordered worker executor.
 */
public final class ResultOutbox {

  private static final Logger LOG = LoggerFactory.getLogger(ResultOutbox.class);
  private static final long FIRST_RETRY_MS = 1000;
  private static final int IN_FLIGHT_PER_LANE = 4;
  /**
   * How long a result waits for its acknowledgement before it is written to the outbox. Writing
   * and flushing it, then deleting it, was half of a worker's file work per command (bench S1/S2).
   */
  public static final long WRITE_AFTER_MS = 200;

  private final Vertx vertx;
  private final BusClient bus;
  private final WorkerExecutor files;
  private final StateStore store;
  private final long retryMaxMs;
  private final Map<String, Entry> pending = new LinkedHashMap<>();
  private final Map<String, Lane> lanes = new HashMap<>();
  private final Set<Future<?>> outstanding = new HashSet<>();
  private boolean stopped;

  private static final class Entry {
    final String commandId;
    final String replyTo;
    JsonObject body;
    /** The outbox file's write, or null while the result is in memory only. */
    Future<Void> persisted;
    long writeTimer = -1;
    boolean inFlight;

    Entry(String commandId, String replyTo, JsonObject body, Future<Void> persisted) {
      this.commandId = commandId;
      this.replyTo = replyTo;
      this.body = body;
      this.persisted = persisted;
    }
  }

  private static final class Lane {
    long backoffMs;
    long timer = -1;
    int inFlight;
  }

  /** An outbox sending with {@code bus} and keeping files through {@code store} on {@code files}. */
  public ResultOutbox(Vertx vertx, BusClient bus, WorkerExecutor files, StateStore store, long retryMaxMs) {
    this.vertx = vertx;
    this.bus = bus;
    this.files = files;
    this.store = store;
    this.retryMaxMs = retryMaxMs;
  }

  /** Takes back the entries found on disk at start ({@code {reply_to, result}}); returns their command ids. */
  public List<String> restore(List<JsonObject> stored) {
    List<String> ids = new ArrayList<>();
    for (JsonObject json : stored) {
      JsonObject result = json.getJsonObject("result");
      String replyTo = json.getString("reply_to");
      // a workflow_result has no command_id: it is keyed by its execution_id
      String id = result == null ? null : result.getString("command_id", result.getString("execution_id"));
      if (replyTo == null || id == null) {
        continue;
      }
      pending.put(id, new Entry(id, replyTo, null, Future.succeededFuture()));
      ids.add(id);
    }
    return ids;
  }

  /** Starts delivering what {@link #restore} took back. */
  public void start() {
    if (!pending.isEmpty()) {
      LOG.info("Resuming delivery of {} result(s) from the outbox", pending.size());
    }
    pending.values().stream().map(entry -> entry.replyTo).distinct().forEach(this::pump);
  }

  /** Journals an accepted command, so a crash before its result still leads to one. */
  public void accepted(CommandDispatch dispatch) {
    track(files.executeBlocking(() -> {
      store.writeInflight(dispatch.commandId(), dispatch.toJson());
      return null;
    }, true)).onFailure(e -> withIds(LOG.atWarn(), dispatch)
        .log("Cannot journal command {}: {}", dispatch.commandId(), e.getMessage()));
  }

  /** Journals an accepted local workflow under its execution id. */
  public void accepted(WorkflowDispatch dispatch) {
    track(files.executeBlocking(() -> {
      store.writeInflight(dispatch.executionId(), dispatch.toJson());
      return null;
    }, true)).onFailure(e -> withIds(LOG.atWarn(), dispatch)
        .log("Cannot journal workflow {}: {}", dispatch.executionId(), e.getMessage()));
  }

  /** Queues a workflow result for delivery to its dispatch's {@code reply_to}. */
  public void add(WorkflowFinished finished) {
    add(finished.dispatch().executionId(), finished.dispatch().replyTo(), finished.result().toJson());
  }

  /** Queues a result for delivery to its dispatch's {@code reply_to}. */
  public void add(Finished finished) {
    add(finished.dispatch().commandId(), finished.dispatch().replyTo(), finished.resultJson());
  }

  /** Queues a result (wire form) for delivery to {@code replyTo}. */
  public void add(String commandId, String replyTo, JsonObject result) {
    if (pending.containsKey(commandId)) {
      return;
    }
    Entry entry = new Entry(commandId, replyTo, result, null);
    pending.put(commandId, entry);
    entry.writeTimer = vertx.setTimer(WRITE_AFTER_MS, id -> {
      entry.writeTimer = -1;
      persist(entry);
    });
    pump(replyTo);
  }

  /** Writes a waiting result to the outbox (once) and then drops its command's journal entry. */
  private Future<Void> persist(Entry entry) {
    if (entry.persisted == null) {
      cancelWrite(entry);
      JsonObject json = new JsonObject().put("reply_to", entry.replyTo).put("result", entry.body);
      entry.persisted = track(files.<Void>executeBlocking(() -> {
        store.writeOutbox(entry.commandId, json);
        store.deleteInflight(entry.commandId);
        return null;
      }, true)).onFailure(e -> LOG.atError().addKeyValue(COMMAND_ID, entry.commandId)
          .log("Cannot write the result of command {} to the outbox", entry.commandId, e));
    }
    return entry.persisted;
  }

  private void cancelWrite(Entry entry) {
    if (entry.writeTimer != -1) {
      vertx.cancelTimer(entry.writeTimer);
      entry.writeTimer = -1;
    }
  }

  /** Tries a waiting result now instead of after its backoff (its command was dispatched again). */
  public void retryNow(String commandId) {
    Entry entry = pending.get(commandId);
    if (entry == null || entry.inFlight || stopped) {
      return;
    }
    Lane lane = lane(entry.replyTo);
    if (lane.timer != -1) {
      vertx.cancelTimer(lane.timer);
      lane.timer = -1;
    }
    send(entry, lane);
  }

  /** Stops retrying; completes when every waiting result is on disk and sends in flight are answered. */
  public Future<Void> stop() {
    stopped = true;
    lanes.values().forEach(lane -> vertx.cancelTimer(lane.timer));
    new ArrayList<>(pending.values()).forEach(this::persist);
    if (!pending.isEmpty()) {
      LOG.info("{} result(s) wait in the outbox for delivery after restart", pending.size());
    }
    return settled();
  }

  /** Waits for sends in flight and file work, including what their completions start. */
  private Future<Void> settled() {
    if (outstanding.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.join(new ArrayList<>(outstanding)).transform(ignored -> settled());
  }

  private <T> Future<T> track(Future<T> work) {
    outstanding.add(work);
    work.onComplete(done -> outstanding.remove(work));
    return work;
  }

  private Lane lane(String replyTo) {
    return lanes.computeIfAbsent(replyTo, address -> new Lane());
  }

  private void pump(String replyTo) {
    Lane lane = lane(replyTo);
    if (stopped || lane.backoffMs > 0) {
      return;
    }
    for (Entry entry : new ArrayList<>(pending.values())) {
      if (lane.inFlight >= IN_FLIGHT_PER_LANE) {
        return;
      }
      if (!entry.inFlight && entry.replyTo.equals(replyTo)) {
        send(entry, lane);
      }
    }
  }

  private void probe(String replyTo) {
    Lane lane = lane(replyTo);
    lane.timer = -1;
    pending.values().stream().filter(entry -> !entry.inFlight && entry.replyTo.equals(replyTo)).findFirst()
        .ifPresent(entry -> send(entry, lane));
  }

  private void send(Entry entry, Lane lane) {
    entry.inFlight = true;
    lane.inFlight++;
    track(body(entry)
        .compose(body -> bus.request(entry.replyTo, body, "result receiver at " + entry.replyTo)))
        .onComplete(outcome -> {
          entry.inFlight = false;
          lane.inFlight--;
          if (outcome.succeeded()) {
            delivered(entry, lane);
          } else {
            failed(entry, lane, PulseException.from(outcome.cause(), "result receiver at " + entry.replyTo));
          }
        });
  }

  private Future<JsonObject> body(Entry entry) {
    if (entry.body != null) {
      return Future.succeededFuture(entry.body);
    }
    return files.executeBlocking(() -> store.readOutbox(entry.commandId), true).compose(json -> {
      JsonObject result = json == null ? null : json.getJsonObject("result");
      return result == null
          ? Future.failedFuture(new PulseException(ErrorCodes.NOT_FOUND, "outbox file of " + entry.commandId + " is gone"))
          : Future.succeededFuture(result);
    });
  }

  private void delivered(Entry entry, Lane lane) {
    forget(entry);
    if (lane.backoffMs > 0) {
      LOG.info("Results reach {} again", entry.replyTo);
      lane.backoffMs = 0;
      vertx.cancelTimer(lane.timer);
      lane.timer = -1;
    }
    pump(entry.replyTo);
  }

  private void failed(Entry entry, Lane lane, PulseException failure) {
    int status = failure.status();
    if (status == ErrorCodes.CONFLICT) {
      delivered(entry, lane);
      return;
    }
    if (status >= 400 && status < 500 && status != 408 && status != ErrorCodes.TOO_MANY_REQUESTS) {
      LOG.atWarn().addKeyValue(COMMAND_ID, entry.commandId)
          .log("{} rejected the result of command {} ({} {}); dropping it", entry.replyTo, entry.commandId, status,
              failure.getMessage());
      forget(entry);
      pump(entry.replyTo);
      return;
    }
    // keep big results on disk only while they wait
    persist(entry).onSuccess(v -> {
      if (!entry.inFlight) {
        entry.body = null;
      }
    });
    if (stopped || lane.timer != -1) {
      return;
    }
    if (lane.backoffMs == 0) {
      LOG.warn("Cannot deliver results to {} ({}); retrying with backoff", entry.replyTo, failure.getMessage());
    }
    lane.backoffMs = lane.backoffMs == 0 ? Math.min(FIRST_RETRY_MS, retryMaxMs) : Math.min(lane.backoffMs * 2, retryMaxMs);
    LOG.debug("Next delivery attempt to {} in {} ms ({} waiting)", entry.replyTo, lane.backoffMs, pending.size());
    lane.timer = vertx.setTimer(lane.backoffMs, id -> probe(entry.replyTo));
  }

  private void forget(Entry entry) {
    pending.remove(entry.commandId);
    cancelWrite(entry);
    Future<Void> written = entry.persisted;
    track(written == null
        // acknowledged before it was written: its journal entry goes, a delivered marker stays
        ? files.executeBlocking(() -> {
          store.markDelivered(entry.commandId);
          store.deleteInflight(entry.commandId);
          return null;
        }, true)
        : written.eventually(() -> files.executeBlocking(() -> {
          store.deleteOutbox(entry.commandId);
          return null;
        }, true))).onFailure(e -> LOG.atDebug().addKeyValue(COMMAND_ID, entry.commandId)
        .log("Cannot clear the files of delivered result {}: {}", entry.commandId, e.getMessage()));
  }
}
