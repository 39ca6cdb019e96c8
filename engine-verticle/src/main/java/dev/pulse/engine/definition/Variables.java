package dev.pulse.engine.definition;

import dev.pulse.contracts.PulseException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Workflow parameters and step outputs in commands: {@code ${params.name}} and
 * {@code ${vars.name}} are replaced by the value as one single-quoted shell word, so a value can
 * never end the quoting and run something of its own ({@code a'; rm -rf /} stays text).
 */
public final class Variables {

  /** A parameter or output name. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  /** A reference in a command. */
  public static final Pattern REFERENCE = Pattern.compile("\\$\\{(params|vars)\\.([A-Za-z_][A-Za-z0-9_]*)}");
  /** The types a parameter may declare. */
  public static final Set<String> TYPES = Set.of("string", "number", "boolean");

  private Variables() {
  }

  /** {@code command} with every reference replaced by its quoted value ({@code ''} when unset). */
  public static String render(String command, Map<String, Object> params, Map<String, String> vars) {
    Matcher matcher = REFERENCE.matcher(command);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      Object value = "params".equals(matcher.group(1)) ? params.get(matcher.group(2)) : vars.get(matcher.group(2));
      matcher.appendReplacement(out, Matcher.quoteReplacement(quote(value == null ? "" : String.valueOf(value))));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** {@code text} (a prompt's message) with every reference replaced by its plain value. */
  public static String text(String text, Map<String, Object> params, Map<String, ?> vars) {
    if (text == null) {
      return null;
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      Object value = "params".equals(matcher.group(1)) ? params.get(matcher.group(2)) : vars.get(matcher.group(2));
      matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : String.valueOf(value)));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /**
   * The params a {@code workflow} step gives the workflow it runs: references in strings filled
   * in as plain text, except that a string made of one reference alone takes the referenced
   * value as it is (so a number stays a number).
   */
  public static Map<String, Object> values(Map<String, Object> given, Map<String, Object> params,
      Map<String, String> vars) {
    Map<String, Object> out = new LinkedHashMap<>();
    given.forEach((name, value) -> {
      if (value instanceof String text) {
        Matcher whole = REFERENCE.matcher(text);
        if (whole.matches()) {
          Object referenced = "params".equals(whole.group(1)) ? params.get(whole.group(2)) : vars.get(whole.group(2));
          if (referenced != null) {
            out.put(name, referenced);
          }
        } else {
          out.put(name, text(text, params, vars));
        }
      } else {
        out.put(name, value);
      }
    });
    return out;
  }

  /** {@code value} as one POSIX shell word. */
  public static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /**
   * The params an execution starts with: {@code given} checked against the definition's
   * {@code declared} params ({@code {name: {type, required?, default?}}}), defaults filled in;
   * without declarations, {@code given} as it is.
   *
   * @throws PulseException 400 naming the param and what to fix
   */
  public static Map<String, Object> params(JsonObject declared, JsonObject given) {
    JsonObject values = given == null ? new JsonObject() : given;
    if (declared == null || declared.isEmpty()) {
      // A workflow that declares no params takes whatever it is given, as before params were typed.
      return values.getMap();
    }
    JsonObject declarations = declared;
    for (String name : values.fieldNames()) {
      if (!declarations.containsKey(name)) {
        throw PulseException.badRequest("params." + name + " is not a parameter of this workflow; it declares "
            + declarations.fieldNames());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : declarations.fieldNames()) {
      JsonObject declaration = declarations.getJsonObject(name);
      String type = declaration.getString("type", "string");
      Object value = values.containsKey(name) ? values.getValue(name) : declaration.getValue("default");
      if (value == null) {
        if (Boolean.TRUE.equals(declaration.getValue("required"))) {
          throw PulseException.badRequest("params." + name + " is required (" + type + ")");
        }
        continue;
      }
      if (!matches(type, value)) {
        throw PulseException.badRequest("params." + name + " must be a " + type);
      }
      out.put(name, value);
    }
    return out;
  }

  /** Whether {@code value} is of the declared {@code type}. */
  static boolean matches(String type, Object value) {
    return switch (type) {
      case "number" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      default -> value instanceof String;
    };
  }
}
