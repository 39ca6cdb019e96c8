package dev.pulse.engine.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between Vert.x JSON and the plain maps and lists the decider works with. */
public final class Plain {

  private Plain() {
  }

  /** A deep plain copy of a JSON value (JsonObject → Map, JsonArray → List). */
  public static Object of(Object value) {
    if (value instanceof JsonObject object) {
      return map(object);
    }
    if (value instanceof JsonArray array) {
      List<Object> list = new ArrayList<>();
      array.forEach(item -> list.add(of(item)));
      return list;
    }
    if (value instanceof Map<?, ?> map) {
      return map(new JsonObject(castMap(map)));
    }
    if (value instanceof List<?> list) {
      return of(new JsonArray(new ArrayList<>(list)));
    }
    return value;
  }

  /** A deep plain copy of a JSON object; an empty map for null. */
  public static Map<String, Object> map(JsonObject object) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (object != null) {
      for (Map.Entry<String, Object> entry : object) {
        map.put(entry.getKey(), of(entry.getValue()));
      }
    }
    return map;
  }

  /** A deep JSON copy of plain maps and lists. */
  public static JsonObject json(Map<String, Object> map) {
    return new JsonObject(map).copy();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
