package dev.pulse.engine.definition;

import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.engine.model.StepType;
import dev.pulse.engine.notify.Emails;
import dev.pulse.engine.notify.Webhooks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a workflow before it is stored and lists every problem with its path, so that an author
 * fixes them all in one round.
 */
public final class DefinitionValidator {

  /** Longest command timeout: 24 hours. */
  public static final long MAX_TIMEOUT_MS = 24L * 3600 * 1000;
  /** Longest wait: 7 days. */
  public static final long MAX_DURATION_MS = 7L * 24 * 3600 * 1000;
  /** Most attempts a retried step may make. */
  public static final int MAX_ATTEMPTS = 100;
  private static final Set<String> RETRY_FIELDS = Set.of("maxAttempts", "initialInterval",
      "backoffCoefficient", "maxInterval");

  private static final Pattern JSON_PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+){0,31}");
  private static final String TYPES = "execute, prompt, wait, parallel or workflow";

  private final Function<String, String> parseError;

  /**
   * A validator.
   *
   * @param parseError compiles a condition without running it: null when it parses, else why not
   */
  public DefinitionValidator(Function<String, String> parseError) {
    this.parseError = parseError;
  }

  /** Fails 400 with {@code details.problems} unless name and definition are acceptable. */
  public void require(Object name, Object definition) {
    List<Problem> problems = problems(name, definition);
    if (!problems.isEmpty()) {
      JsonArray list = new JsonArray();
      problems.forEach(p -> list.add(new JsonObject().put("path", p.path()).put("message", p.message())));
      throw new PulseException(ErrorCodes.BAD_REQUEST, "The workflow definition has " + problems.size()
          + " problem(s)", new JsonObject().put("problems", list));
    }
  }

  /** Every problem of the workflow's name and definition, in document order. */
  public List<Problem> problems(Object name, Object definition) {
    List<Problem> problems = new ArrayList<>();
    if (!(name instanceof String text) || text.isBlank()) {
      problems.add(new Problem("name", "name is required"));
    } else if (text.length() > 255) {
      problems.add(new Problem("name", "name must be at most 255 characters"));
    }
    if (!(definition instanceof JsonObject object)) {
      problems.add(new Problem("definition", "definition must be an object with a steps array"));
      return problems;
    }
    Object steps = object.getValue("steps");
    if (!(steps instanceof JsonArray array) || array.isEmpty()) {
      problems.add(new Problem("steps", "steps must be a non-empty array"));
      return problems;
    }
    Set<String> params = params(object.getValue("params"), problems);
    Set<String> outputs = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      step("steps[" + i + "]", array.getValue(i), params, outputs, problems);
    }
    notify(object.getValue("notify"), problems);
    Object onFailure = object.getValue("onFailure");
    if (onFailure != null) {
      if (!(onFailure instanceof JsonArray handlers) || handlers.isEmpty()) {
        problems.add(new Problem("onFailure", "onFailure must be a non-empty array of steps, run when the"
            + " execution fails"));
      } else {
        for (int i = 0; i < handlers.size(); i++) {
          step("onFailure[" + i + "]", handlers.getValue(i), params, outputs, problems);
        }
      }
    }
    return problems;
  }

  /** The workflow ids that {@code workflow} steps of an accepted definition run, by the step's path. */
  public static Map<String, String> workflowReferences(JsonObject definition) {
    Map<String, String> out = new LinkedHashMap<>();
    collect("steps", definition.getJsonArray("steps"), out);
    collect("onFailure", definition.getJsonArray("onFailure"), out);
    return out;
  }

  private static void collect(String path, JsonArray steps, Map<String, String> out) {
    for (int i = 0; steps != null && i < steps.size(); i++) {
      if (!(steps.getValue(i) instanceof JsonObject step)) {
        continue;
      }
      String where = path + "[" + i + "]";
      if ("workflow".equals(step.getValue("type")) && step.getValue("workflow") instanceof String id) {
        out.put(where + ".workflow", id);
      }
      if (step.getValue("branches") instanceof JsonArray branches) {
        for (int b = 0; b < branches.size(); b++) {
          if (branches.getValue(b) instanceof JsonObject branch && branch.getValue("steps") instanceof JsonArray inner) {
            collect(where + ".branches[" + b + "].steps", inner, out);
          }
        }
      }
      if (step.getValue("onFailure") instanceof JsonArray handler) {
        collect(where + ".onFailure", handler, out);
      }
    }
  }

  /**
   * {@code notify: [{url, on?, format?: generic|slack|discord} | {email: {to, cc?}, on?}]}: webhooks and
   * e-mails, each for some of completed, failed, cancelled, prompt.
   */
  private static void notify(Object value, List<Problem> problems) {
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonArray hooks)) {
      problems.add(new Problem("notify", "notify must be an array of webhooks {url, on?, format?} and e-mails"
          + " {email: {to, cc?}, on?}"));
      return;
    }
    for (int i = 0; i < hooks.size(); i++) {
      String where = "notify[" + i + "]";
      if (!(hooks.getValue(i) instanceof JsonObject hook)) {
        problems.add(new Problem(where, "a notification must be an object: a webhook {url, on?, format?} or an"
            + " e-mail {email: {to, cc?}, on?}"));
        continue;
      }
      if (hook.getValue("email") != null) {
        email(hook, where, problems);
      } else if (!(hook.getValue("url") instanceof String url)
          || !(url.startsWith("http://") || url.startsWith("https://"))) {
        problems.add(new Problem(where + ".url", "url must be an http:// or https:// address"));
      }
      Object on = hook.getValue("on");
      if (on != null && (!(on instanceof JsonArray events) || events.isEmpty()
          || !events.stream().allMatch(Webhooks.ALL_EVENTS::contains))) {
        problems.add(new Problem(where + ".on", "on must list some of completed, failed, cancelled, prompt"));
      }
      Object format = hook.getValue("format");
      if (format != null && hook.getValue("email") == null && !Webhooks.FORMATS.contains(format)) {
        problems.add(new Problem(where + ".format", "format must be generic, slack or discord"));
      }
    }
  }

  /** An e-mail notification: {@code email: {to: [address, ...], cc?: [address, ...]}}, and no url or format. */
  private static void email(JsonObject hook, String where, List<Problem> problems) {
    for (String key : List.of("url", "format")) {
      if (hook.getValue(key) != null) {
        problems.add(new Problem(where + "." + key, key + " applies to webhooks only: an e-mail notification"
            + " has email, and a webhook has url"));
      }
    }
    if (!(hook.getValue("email") instanceof JsonObject email)) {
      problems.add(new Problem(where + ".email", "email must be an object: {to: [addresses], cc?: [addresses]}"));
      return;
    }
    addresses(email, where + ".email", "to", true, problems);
    addresses(email, where + ".email", "cc", false, problems);
    for (String key : email.fieldNames()) {
      if (!Emails.FIELDS.contains(key)) {
        problems.add(new Problem(where + ".email." + key, "unknown field '" + key + "': use to or cc"));
      }
    }
  }

  private static void addresses(JsonObject email, String path, String key, boolean required,
      List<Problem> problems) {
    Object value = email.getValue(key);
    if (value == null && !required) {
      return;
    }
    if (!(value instanceof JsonArray list) || (required && list.isEmpty())) {
      problems.add(new Problem(path + "." + key, key + " must be " + (required ? "a non-empty" : "an")
          + " array of e-mail addresses"));
      return;
    }
    if (list.size() > Emails.MAX_RECIPIENTS) {
      problems.add(new Problem(path + "." + key, key + " must list at most " + Emails.MAX_RECIPIENTS
          + " addresses"));
    }
    for (int i = 0; i < list.size(); i++) {
      if (!Emails.isAddress(list.getValue(i))) {
        problems.add(new Problem(path + "." + key + "[" + i + "]", "is not an e-mail address"));
      }
    }
  }

  /** {@code params: {name: {type: string|number|boolean, required?, default?, description?}}}; yields the names. */
  private static Set<String> params(Object value, List<Problem> problems) {
    Set<String> names = new HashSet<>();
    if (value == null) {
      return names;
    }
    if (!(value instanceof JsonObject declared)) {
      problems.add(new Problem("params", "params must be an object: {name: {type, required?, default?}}"));
      return names;
    }
    for (String name : declared.fieldNames()) {
      String where = "params." + name;
      if (!Variables.NAME.matcher(name).matches()) {
        problems.add(new Problem(where, "a parameter name is letters, digits and _, not starting with a digit"));
        continue;
      }
      names.add(name);
      if (!(declared.getValue(name) instanceof JsonObject declaration)) {
        problems.add(new Problem(where, "must be an object: {type, required?, default?}"));
        continue;
      }
      Object type = declaration.getValue("type");
      if (type != null && !(type instanceof String text && Variables.TYPES.contains(text))) {
        problems.add(new Problem(where + ".type", "type must be string, number or boolean"));
        continue;
      }
      Object required = declaration.getValue("required");
      if (required != null && !(required instanceof Boolean)) {
        problems.add(new Problem(where + ".required", "required must be true or false"));
      }
      Object fallback = declaration.getValue("default");
      String typeName = type == null ? "string" : (String) type;
      if (fallback != null && !Variables.matches(typeName, fallback)) {
        problems.add(new Problem(where + ".default", "default must be a " + typeName));
      }
    }
    return names;
  }

  /** A prompt's {@code approvers, excludeStarter, required, timeout, defaultOption}, and its message's references. */
  private static void approval(JsonObject step, String path, Set<String> params, Set<String> outputs,
      List<Problem> problems) {
    references(step.getValue("message"), path + ".message", params, outputs, problems);
    Object approvers = step.getValue("approvers");
    if (approvers != null) {
      if (!(approvers instanceof JsonObject who) || who.isEmpty()) {
        problems.add(new Problem(path + ".approvers", "approvers must be an object: {groups: [...], users: [...]}"));
      } else {
        for (String key : who.fieldNames()) {
          if (!key.equals("groups") && !key.equals("users")) {
            problems.add(new Problem(path + ".approvers." + key, "unknown field '" + key + "': use groups or users"));
          } else {
            strings(who, path + ".approvers", key, "SSO " + key + " who may answer", problems);
          }
        }
      }
    }
    Object excludeStarter = step.getValue("excludeStarter");
    if (excludeStarter != null && !(excludeStarter instanceof Boolean)) {
      problems.add(new Problem(path + ".excludeStarter", "excludeStarter must be true or false"));
    }
    Object required = step.getValue("required");
    if (required != null && (!(required instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue())
        || n.intValue() < 1 || n.intValue() > MAX_ATTEMPTS)) {
      problems.add(new Problem(path + ".required", "required must be a whole number from 1 to " + MAX_ATTEMPTS
          + ": how many people must give the same answer"));
    }
    millis(step, path, "timeout", MAX_DURATION_MS, "7 days", false, problems);
    Object fallback = step.getValue("defaultOption");
    if (fallback != null && !(step.getValue("options") instanceof JsonArray options && options.contains(fallback))) {
      problems.add(new Problem(path + ".defaultOption", "defaultOption must be one of the options"));
    }
    if (fallback != null && step.getValue("timeout") == null) {
      problems.add(new Problem(path + ".defaultOption", "defaultOption needs a timeout: it is the answer taken when"
          + " nobody answers in time"));
    }
  }

  /** {@code output} names a later {@code ${vars.name}}; references in a command must resolve. */
  private static void variables(JsonObject step, String path, Set<String> params, Set<String> outputs,
      List<Problem> problems) {
    references(step.getValue("command"), path + ".command", params, outputs, problems);
    Object output = step.getValue("output");
    if (output == null) {
      return;
    }
    if (output instanceof JsonObject field) {
      for (String key : field.fieldNames()) {
        if (!key.equals("name") && !key.equals("json")) {
          problems.add(new Problem(path + ".output." + key, "unknown field '" + key + "': use name and json"));
        }
      }
      if (!(field.getValue("json") instanceof String json) || !JSON_PATH.matcher(json).matches()) {
        problems.add(new Problem(path + ".output.json", "json must be the dotted path of a field of the JSON the"
            + " command prints, e.g. release.version or items.0.id"));
      }
      claimOutput(field.getValue("name"), path + ".output.name", "name must be letters, digits and _", outputs,
          problems);
      return;
    }
    claimOutput(output, path + ".output", "output must be a name (letters, digits and _) or {name, json}", outputs,
        problems);
  }

  /** {@code value} as a new output name: a valid name ({@code invalid} otherwise) that no earlier step sets. */
  private static void claimOutput(Object value, String where, String invalid, Set<String> outputs,
      List<Problem> problems) {
    if (!(value instanceof String name) || !Variables.NAME.matcher(name).matches()) {
      problems.add(new Problem(where, invalid));
    } else if (!outputs.add(name)) {
      problems.add(new Problem(where, "output '" + name + "' is already set by an earlier step"));
    }
  }

  private static void references(Object value, String where, Set<String> params, Set<String> outputs,
      List<Problem> problems) {
    if (!(value instanceof String text)) {
      return;
    }
    Matcher matcher = Variables.REFERENCE.matcher(text);
    while (matcher.find()) {
      boolean isParam = "params".equals(matcher.group(1));
      if (!(isParam ? params : outputs).contains(matcher.group(2))) {
        problems.add(new Problem(where, matcher.group() + " refers to "
            + (isParam ? "no declared parameter" : "no output of an earlier step")));
      }
    }
  }

  private void step(String path, Object value, Set<String> params, Set<String> outputs, List<Problem> problems) {
    if (!(value instanceof JsonObject step)) {
      problems.add(new Problem(path, "a step must be an object"));
      return;
    }
    Object name = step.getValue("name");
    if (name != null && !(name instanceof String)) {
      problems.add(new Problem(path + ".name", "name must be a string"));
    }
    Object typeValue = step.getValue("type");
    StepType type = typeValue instanceof String text ? StepType.parse(text) : null;
    if (typeValue == null) {
      problems.add(new Problem(path + ".type", "type is required: " + TYPES));
    } else if (type == null) {
      problems.add(new Problem(path + ".type", "unknown type '" + typeValue + "': use " + TYPES));
    }
    if (type == StepType.EXECUTE) {
      text(step, path, "command", problems);
      strings(step, path, "targets", "worker names, groups or \"all\"", problems);
      millis(step, path, "timeout", MAX_TIMEOUT_MS, "24 h", false, problems);
      retry(step, path, problems);
      variables(step, path, params, outputs, problems);
    } else if (type == StepType.PROMPT) {
      text(step, path, "message", problems);
      strings(step, path, "options", "the answers to choose from", problems);
      approval(step, path, params, outputs, problems);
    } else if (type == StepType.WAIT) {
      millis(step, path, "duration", MAX_DURATION_MS, "7 days", true, problems);
    } else if (type == StepType.PARALLEL) {
      branches(step, path, params, outputs, problems);
    } else if (type == StepType.WORKFLOW) {
      text(step, path, "workflow", problems);
      childParams(step, path, params, outputs, problems);
      declaredOutputs(step, path, outputs, problems);
    }
    for (String key : List.of("branches", "workflow", "params", "outputs")) {
      boolean belongs = key.equals("branches") ? type == StepType.PARALLEL : type == StepType.WORKFLOW;
      if (type != null && !belongs && step.getValue(key) != null) {
        problems.add(new Problem(path + "." + key, key + " applies to " + (key.equals("branches") ? "parallel"
            : "workflow") + " steps only"));
      }
    }
    Object handler = step.getValue("onFailure");
    if (handler != null) {
      if (!(handler instanceof JsonArray handlers) || handlers.isEmpty()) {
        problems.add(new Problem(path + ".onFailure", "onFailure must be a non-empty array of steps, run when this"
            + " step fails"));
      } else {
        // Its outputs stay in the onFailure run: later steps cannot count on them.
        Set<String> local = new HashSet<>(outputs);
        for (int k = 0; k < handlers.size(); k++) {
          step(path + ".onFailure[" + k + "]", handlers.getValue(k), params, local, problems);
        }
      }
    }
    if (type != StepType.EXECUTE && type != null) {
      for (String key : List.of("retry", "output")) {
        if (step.getValue(key) != null) {
          problems.add(new Problem(path + "." + key, key + " applies to execute steps only"));
        }
      }
    }
    condition(step, path, problems);
    Object continueOnError = step.getValue("continueOnError");
    if (continueOnError != null && !(continueOnError instanceof Boolean)) {
      problems.add(new Problem(path + ".continueOnError", "continueOnError must be true or false"));
    }
  }

  /**
   * {@code branches: [{name?, steps: [...]}, ...]}: distinct names; a branch may use what earlier
   * steps set, not what another branch sets (they run at once); later steps may use any branch's.
   */
  private void branches(JsonObject step, String path, Set<String> params, Set<String> outputs,
      List<Problem> problems) {
    Object value = step.getValue("branches");
    if (!(value instanceof JsonArray branches) || branches.isEmpty()) {
      problems.add(new Problem(path + ".branches", "branches must be a non-empty array: [{name, steps: [...]}]"));
      return;
    }
    Set<String> names = new HashSet<>();
    Set<String> added = new HashSet<>();
    for (int b = 0; b < branches.size(); b++) {
      String where = path + ".branches[" + b + "]";
      if (!(branches.getValue(b) instanceof JsonObject branch)) {
        problems.add(new Problem(where, "a branch must be an object: {name, steps: [...]}"));
        continue;
      }
      Object name = branch.getValue("name");
      String effective = name instanceof String text && !text.isBlank() ? text.trim() : "Branch " + (b + 1);
      if (name != null && !(name instanceof String)) {
        problems.add(new Problem(where + ".name", "name must be a string"));
      } else if (!names.add(effective)) {
        problems.add(new Problem(where + ".name", "another branch is named '" + effective + "'"));
      }
      if (!(branch.getValue("steps") instanceof JsonArray steps) || steps.isEmpty()) {
        problems.add(new Problem(where + ".steps", "steps must be a non-empty array"));
        continue;
      }
      Set<String> local = new HashSet<>(outputs);
      for (int k = 0; k < steps.size(); k++) {
        step(where + ".steps[" + k + "]", steps.getValue(k), params, local, problems);
      }
      for (String output : local) {
        if (!outputs.contains(output) && !added.add(output)) {
          problems.add(new Problem(where, "output '" + output + "' is also set by another branch"));
        }
      }
    }
    outputs.addAll(added);
  }

  /**
   * A workflow step's {@code outputs}: the names of the called workflow's outputs that later
   * steps use ({@code ${vars.name}}); every output of the called run reaches them, these are
   * the ones later steps may refer to.
   */
  private static void declaredOutputs(JsonObject step, String path, Set<String> outputs, List<Problem> problems) {
    Object value = step.getValue("outputs");
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonArray names)) {
      problems.add(new Problem(path + ".outputs", "outputs must be an array of the called workflow's output names"));
      return;
    }
    for (int i = 0; i < names.size(); i++) {
      claimOutput(names.getValue(i), path + ".outputs[" + i + "]", "an output name is letters, digits and _", outputs,
          problems);
    }
  }

  /** A workflow step's {@code params}: an object of strings, numbers and booleans; references must resolve. */
  private static void childParams(JsonObject step, String path, Set<String> params, Set<String> outputs,
      List<Problem> problems) {
    Object value = step.getValue("params");
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonObject given)) {
      problems.add(new Problem(path + ".params", "params must be an object: {name: value}"));
      return;
    }
    for (String name : given.fieldNames()) {
      Object param = given.getValue(name);
      if (!(param instanceof String || param instanceof Number || param instanceof Boolean)) {
        problems.add(new Problem(path + ".params." + name, "must be a string, number or boolean"));
      }
      references(param, path + ".params." + name, params, outputs, problems);
    }
  }

  /** {@code retry: {maxAttempts, initialInterval?, backoffCoefficient?, maxInterval?}}. */
  private static void retry(JsonObject step, String path, List<Problem> problems) {
    Object value = step.getValue("retry");
    if (value == null) {
      return;
    }
    String where = path + ".retry";
    if (!(value instanceof JsonObject retry)) {
      problems.add(new Problem(where, "retry must be an object: {maxAttempts, initialInterval, backoffCoefficient,"
          + " maxInterval}"));
      return;
    }
    Object attempts = retry.getValue("maxAttempts");
    if (!(attempts instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.intValue() < 1
        || n.intValue() > MAX_ATTEMPTS) {
      problems.add(new Problem(where + ".maxAttempts", "maxAttempts is required: the number of attempts in all,"
          + " 1 to " + MAX_ATTEMPTS));
    }
    millis(retry, where, "initialInterval", MAX_TIMEOUT_MS, "24 h", false, problems);
    millis(retry, where, "maxInterval", MAX_TIMEOUT_MS, "24 h", false, problems);
    Object coefficient = retry.getValue("backoffCoefficient");
    if (coefficient != null && (!(coefficient instanceof Number c) || c.doubleValue() < 1 || c.doubleValue() > 100)) {
      problems.add(new Problem(where + ".backoffCoefficient", "backoffCoefficient must be a number from 1 to 100"));
    }
    if (retry.getValue("initialInterval") instanceof Number initial && retry.getValue("maxInterval") instanceof Number max
        && max.doubleValue() < initial.doubleValue()) {
      problems.add(new Problem(where + ".maxInterval", "maxInterval must not be less than initialInterval"));
    }
    for (String key : retry.fieldNames()) {
      if (!RETRY_FIELDS.contains(key)) {
        problems.add(new Problem(where + "." + key, "unknown field '" + key + "': use maxAttempts, initialInterval,"
            + " backoffCoefficient or maxInterval"));
      }
    }
  }

  private static void text(JsonObject step, String path, String key, List<Problem> problems) {
    Object value = step.getValue(key);
    if (!(value instanceof String text) || text.isBlank()) {
      problems.add(new Problem(path + "." + key, key + " is required"));
    }
  }

  private static void strings(JsonObject step, String path, String key, String what, List<Problem> problems) {
    Object value = step.getValue(key);
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      problems.add(new Problem(path + "." + key, key + " must be a non-empty array of strings: " + what));
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String text) || text.isBlank()) {
        problems.add(new Problem(path + "." + key + "[" + i + "]", "must be a non-empty string"));
      }
    }
  }

  private static void millis(JsonObject step, String path, String key, long max, String maxText, boolean required,
      List<Problem> problems) {
    Object value = step.getValue(key);
    String where = path + "." + key;
    if (value == null) {
      if (required) {
        problems.add(new Problem(where, key + " is required (milliseconds)"));
      }
      return;
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.floor(number.doubleValue())) {
      problems.add(new Problem(where, key + " must be a whole number of milliseconds"));
    } else if (number.doubleValue() < 0) {
      problems.add(new Problem(where, key + " must not be negative"));
    } else if (number.doubleValue() > max) {
      problems.add(new Problem(where, key + " must be at most " + max + " ms (" + maxText + ")"));
    } else if (!required && number.longValue() == 0) {
      problems.add(new Problem(where, key + " must be at least 1 ms"));
    }
  }

  private void condition(JsonObject step, String path, List<Problem> problems) {
    Object value = step.getValue("condition");
    if (value == null) {
      return;
    }
    if (!(value instanceof String text)) {
      problems.add(new Problem(path + ".condition", "condition must be a JavaScript expression in a string"));
      return;
    }
    if (!text.isBlank()) {
      String error = parseError.apply(text);
      if (error != null) {
        problems.add(new Problem(path + ".condition", "condition does not parse: " + error));
      }
    }
  }
}
