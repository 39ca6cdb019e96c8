package dev.pulse.engine.notify;

import static dev.pulse.contracts.LogKeys.EXECUTION_ID;

import dev.pulse.engine.decide.Action;
import dev.pulse.engine.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a workflow's notifications ({@code notify} in its definition) when one of its executions
 * completes, fails, is cancelled or waits on a prompt: a JSON POST to each webhook, as generic
 * JSON or as a Slack or Discord message, and a plain-text mail to each {@code email} entry's
 * recipients, all with a link to the execution in the dashboard.
 *
 * <p>Fire and forget: a slow or failing endpoint or mail server is logged and never holds or fails
 * the execution.
 */
public final class Notifier {

  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final ExecutionStore executions;
  private final HttpClient http;
  private final Mailer mailer;
  private final String publicUrl;
  private final long timeoutMs;
  private final String from;

  /**
   * A notifier.
   *
   * @param publicUrl the dashboard's address for links (PUBLIC_URL)
   * @param timeoutMs how long one webhook or mail may take
   * @param mail the SMTP server (e-mail is off without SMTP_HOST)
   */
  public Notifier(Vertx vertx, ExecutionStore executions, String publicUrl, long timeoutMs, MailSettings mail) {
    this.executions = executions;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeoutMs)
        .setIdleTimeout((int) Math.max(1, timeoutMs / 1000)).setKeepAlive(false));
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.timeoutMs = timeoutMs;
    this.from = mail.from();
    this.mailer = new Mailer(vertx, mail, timeoutMs);
  }

  /**
   * Whether an execution of {@code definition} has notifications to send: only then are its
   * decisions observed, since each notification loads the execution whole.
   */
  public static boolean subscribes(JsonObject definition) {
    return definition != null && definition.getValue("notify") instanceof JsonArray hooks && !hooks.isEmpty();
  }

  /** Looks at the events of a stored decision and notifies for the ones a workflow may subscribe to. */
  public void observe(List<Action> actions) {
    for (Action action : actions) {
      if (action instanceof Action.Publish publish) {
        String kind = kind(publish.body());
        if (kind != null) {
          notify(String.valueOf(publish.body().get("execution_id")), kind, publish.body());
        }
      }
    }
  }

  /** {@code completed}, {@code failed}, {@code cancelled} or {@code prompt}, or null for other events. */
  static String kind(Map<String, Object> event) {
    Object type = event.get("type");
    if ("execution_prompt".equals(type)) {
      return "prompt";
    }
    if ("execution_status".equals(type) && event.get("status") instanceof String status
        && List.of("completed", "failed", "cancelled").contains(status)) {
      return status;
    }
    return null;
  }

  private void notify(String executionId, String kind, Map<String, Object> event) {
    executions.get(executionId).onSuccess(execution -> {
      if (execution == null) {
        return;
      }
      JsonArray hooks = execution.getJsonObject("definition", new JsonObject()).getJsonArray("notify");
      if (hooks == null) {
        return;
      }
      String link = publicUrl + "/#/executions/" + executionId;
      for (Object item : hooks) {
        if (!(item instanceof JsonObject hook) || !hook.getJsonArray("on", Webhooks.ALL_EVENTS).contains(kind)) {
          continue;
        }
        if (hook.getValue("email") instanceof JsonObject email) {
          mailer.send(Emails.message(from, strings(email.getJsonArray("to")), strings(email.getJsonArray("cc")),
              kind, executionId, execution, event, link), kind, executionId);
        } else {
          send(hook, Webhooks.payload(hook.getString("format", "generic"), kind, execution, event, link),
              executionId);
        }
      }
    }).onFailure(failure -> LOG.atWarn().addKeyValue(EXECUTION_ID, executionId)
        .log("Cannot load execution {} to notify: {}", executionId, failure.getMessage()));
  }

  private void send(JsonObject hook, JsonObject payload, String executionId) {
    String url = hook.getString("url");
    Future<Integer> sent;
    try {
      sent = http.request(new RequestOptions().setAbsoluteURI(url).setMethod(HttpMethod.POST)
              .putHeader("Content-Type", "application/json").setTimeout(timeoutMs))
          .compose(request -> request.send(Buffer.buffer(payload.encode())))
          .map(response -> response.statusCode());
    } catch (RuntimeException badUrl) {
      sent = Future.failedFuture(badUrl);
    }
    sent.onSuccess(status -> {
      if (status >= 300) {
        LOG.atWarn().addKeyValue(EXECUTION_ID, executionId)
            .log("Webhook {} answered {} to the notification of execution {}", Webhooks.safe(url), status,
                executionId);
      }
    }).onFailure(failure -> LOG.atWarn().addKeyValue(EXECUTION_ID, executionId)
        .log("Webhook {} failed for execution {}: {}", Webhooks.safe(url), executionId, failure.getMessage()));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }

  /** Releases the HTTP and mail clients. */
  public Future<Void> close() {
    return Future.join(http.close(), mailer.close()).mapEmpty();
  }
}
