package dev.pulse.engine.notify;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** E-mail notifications: which addresses PULSE accepts, and the plain-text message for an event. */
public final class Emails {

  /** The fields of a notification's {@code email} object. */
  public static final Set<String> FIELDS = Set.of("to", "cc");
  /** Most addresses in one of {@code to} or {@code cc}. */
  public static final int MAX_RECIPIENTS = 50;

  private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
  private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  // A plain ASCII dot-atom address: nothing that could end a header or an SMTP command.
  private static final Pattern ADDRESS = Pattern.compile(ATOM + "(?:\\." + ATOM + ")*@" + LABEL + "(?:\\." + LABEL
      + ")*");
  private static final Pattern NAMED = Pattern.compile("([^<>\"\\p{Cntrl}]*[^<>\"\\s\\p{Cntrl}]) *<([^<>]*)>");

  private Emails() {
  }

  /** Whether {@code value} is one plain e-mail address, such as {@code ops@example.com}. */
  public static boolean isAddress(Object value) {
    return value instanceof String text && text.length() <= 254 && text.indexOf('@') <= 64
        && ADDRESS.matcher(text).matches();
  }

  /** Whether {@code value} can be a sender: an address, or {@code Name <address>}. */
  static boolean isSender(String value) {
    var named = NAMED.matcher(value);
    return isAddress(value) || named.matches() && isAddress(named.group(2));
  }

  /** The mail for {@code kind} ({@code completed}, {@code failed}, {@code cancelled} or {@code prompt}). */
  static MailMessage message(String from, List<String> to, List<String> cc, String kind, String executionId,
      JsonObject execution, Map<String, Object> event, String link) {
    return new MailMessage().setFrom(from).setTo(to).setCc(cc.isEmpty() ? null : cc)
        .setSubject(subject(kind, execution)).setText(body(kind, executionId, execution, event, link))
        // RFC 3834: tells auto-responders (out of office) not to answer
        .addHeader("Auto-Submitted", "auto-generated");
  }

  /** {@code [PULSE] <workflow> <status>}, or {@code ... waiting for input} for a prompt. */
  static String subject(String kind, JsonObject execution) {
    String name = oneLine(execution.getString("workflow_name", execution.getString("workflow_id", "workflow")));
    return "[PULSE] " + name + " " + ("prompt".equals(kind) ? "waiting for input" : kind);
  }

  static String body(String kind, String executionId, JsonObject execution, Map<String, Object> event,
      String link) {
    StringBuilder text = new StringBuilder()
        .append("Workflow:   ").append(execution.getString("workflow_name", execution.getString("workflow_id")))
        .append('\n').append("Execution:  ").append(executionId).append('\n')
        .append("Status:     ").append(execution.getString("status")).append('\n')
        .append("Started by: ").append(execution.getString("started_by", "-")).append('\n');
    String error = execution.getString("error");
    if (error != null && !error.isBlank()) {
      text.append("Error:      ").append(error).append('\n');
    }
    if ("prompt".equals(kind) && event.get("prompt") instanceof Map<?, ?> prompt) {
      text.append('\n').append("Waiting for an answer: ").append(prompt.get("message")).append('\n');
      if (prompt.get("options") instanceof List<?> options && !options.isEmpty()) {
        text.append("Options: ").append(String.join(", ", options.stream().map(String::valueOf).toList()))
            .append('\n');
      }
      if (prompt.get("required") instanceof Number required && required.intValue() > 1
          && prompt.get("votes") instanceof List<?> votes) {
        // A prompt needing several matching answers is announced again after each vote.
        text.append("Needs ").append(required.intValue()).append(" matching answers; so far: ")
            .append(votes.isEmpty() ? "none" : String.join(", ", votes.stream().map(Emails::vote).toList()))
            .append('\n');
      }
    }
    return text.append('\n').append("Open the execution: ").append(link).append('\n').toString();
  }

  private static String vote(Object vote) {
    return vote instanceof Map<?, ?> map ? map.get("by") + " (" + map.get("response") + ")" : String.valueOf(vote);
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").trim();
  }
}
