package dev.pulse.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PULSE's public REST API as a script would call it: from 127.0.0.1 (a trusted proxy address) with
 * the SSO headers the reverse proxy would add for an admin named {@code bench}.
 */
final class Api {

  /** What a failed call answered. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Api.class);
  private static final long REQUEST_TIMEOUT_MS = 60_000;
  private static final long GET_TIMEOUT_MS = 15_000;
  private static final int GET_ATTEMPTS = 3;

  private final HttpClient http;

  Api(Vertx vertx, int port, int connections) {
    // Idle connections are kept for the whole run (PULSE's API never closes them): one evicted at the
    // client's keep-alive timeout (60 s) just as a request took it left that request unanswered until
    // its own timeout, which failed S2 (a GET 60 s after the warm-up) and once stalled S4
    // (eclipse-vertx/vert.x#4761).
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true).setKeepAliveTimeout(0).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  /** Creates a workflow; yields its id. */
  Future<String> createWorkflow(String name, JsonArray steps) {
    JsonObject body = new JsonObject().put("name", name).put("description", "PULSE benchmark")
        .put("definition", new JsonObject().put("steps", steps));
    return call(HttpMethod.POST, "/api/workflows", body, 201).map(reply -> reply.getString("id"));
  }

  /** Starts an execution; yields its id. */
  Future<String> startExecution(String workflowId) {
    return call(HttpMethod.POST, "/api/executions", new JsonObject().put("workflow_id", workflowId), 202)
        .map(reply -> reply.getString("id"));
  }

  /** One execution with its steps and logs. */
  Future<JsonObject> execution(String id) {
    return call(HttpMethod.GET, "/api/executions/" + id, null, 200);
  }

  /** Every worker. */
  Future<JsonArray> workers() {
    return request(HttpMethod.GET, "/api/workers", null, 200).map(JsonArray::new);
  }

  /** {@code GET /health}'s status code. */
  Future<Integer> health() {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/health"))
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        .timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /** Names of the workers online now. */
  Future<List<String>> onlineWorkers() {
    return workers().map(list -> list.stream().map(JsonObject.class::cast)
        .filter(worker -> "online".equals(worker.getString("status")))
        .map(worker -> worker.getString("name")).toList());
  }

  private Future<JsonObject> call(HttpMethod method, String uri, JsonObject body, int expected) {
    return request(method, uri, body, expected).map(JsonObject::new);
  }

  private Future<Buffer> request(HttpMethod method, String uri, JsonObject body, int expected) {
    if (method != HttpMethod.GET) {
      return attempt(method, uri, body, expected, REQUEST_TIMEOUT_MS);
    }
    // A GET changes nothing, so one left unanswered is asked again, with a warning: twice (after S2's
    // half-rate phase) a GET taken right after a load phase waited out its 60 s timeout while PULSE
    // went on serving every other request, and failed the whole scenario. Not found out yet whether
    // the client's pool or the server held it.
    return retried(uri, expected, 1);
  }

  private Future<Buffer> retried(String uri, int expected, int attempt) {
    return attempt(HttpMethod.GET, uri, null, expected, GET_TIMEOUT_MS).recover(failure -> {
      if (!(failure instanceof TimeoutException) || attempt >= GET_ATTEMPTS) {
        return Future.failedFuture(failure);
      }
      LOG.warn("GET {} unanswered after {} ms (attempt {} of {}); asking again", uri, GET_TIMEOUT_MS, attempt,
          GET_ATTEMPTS);
      return retried(uri, expected, attempt + 1);
    });
  }

  private Future<Buffer> attempt(HttpMethod method, String uri, JsonObject body, int expected, long timeoutMs) {
    // A request never waits forever: a lost answer fails its sample instead of stalling the run.
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(timeoutMs)
        .setConnectTimeout(timeoutMs)
        .putHeader("Remote-User", "bench").putHeader("Remote-Groups", "admin")
        .putHeader("Accept", "application/json");
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(response -> response.body().compose(content -> response.statusCode() == expected
            ? Future.succeededFuture(content)
            : Future.failedFuture(new Refused(response.statusCode(), method + " " + uri + " answered "
                + response.statusCode() + ": " + content))))
        // Whatever else may leave a request waiting (a pooled connection that never frees), it fails
        // its sample instead of stalling the run.
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  Future<Void> close() {
    return http.close();
  }
}
