package dev.pulse.engine.decide;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A field of the JSON a command printed, for {@code output: {name, json: "release.version"}}. */
final class JsonField {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The value found, or why there is none. */
  record Found(String value, String error) {
  }

  private JsonField() {
  }

  /**
   * The field at {@code path} (dot-separated names, or indices into arrays) of {@code json}: a
   * string as it is, anything else as JSON text.
   */
  static Found at(String json, String path) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JacksonException notJson) {
      return new Found(null, "its output is not JSON");
    }
    for (String segment : path.split("\\.")) {
      if (node == null) {
        break;
      }
      node = node.isArray() && segment.chars().allMatch(Character::isDigit) ? node.get(Integer.parseInt(segment))
          : node.get(segment);
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return new Found(null, "its JSON has no field " + path);
    }
    return new Found(node.isValueNode() ? node.asText() : node.toString(), null);
  }
}
