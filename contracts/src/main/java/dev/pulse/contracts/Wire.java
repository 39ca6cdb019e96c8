package dev.pulse.contracts;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/** Small conversions shared by the message records. */
public final class Wire {

  private Wire() {
  }

  /** The strings of a JSON array (non-strings skipped); an empty list for null. */
  public static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (Object value : array) {
        if (value instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** Splits a comma-separated list, trimming blanks away ({@code "web, db"} → [web, db]). */
  public static List<String> commaList(String text) {
    List<String> out = new ArrayList<>();
    if (text != null) {
      for (String part : text.split(",")) {
        String trimmed = part.trim();
        if (!trimmed.isEmpty()) {
          out.add(trimmed);
        }
      }
    }
    return out;
  }
}
