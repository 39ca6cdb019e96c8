package dev.pulse.engine.condition;

import dev.pulse.engine.decide.NamedList;
import java.util.List;
import java.util.Map;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Scriptable;

/** Copies the plain Java state view into native JavaScript objects; no Java object reaches a script. */
final class JsValues {

  private JsValues() {
  }

  static Object toJs(Context cx, Scriptable scope, Object value) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    if (value instanceof Map<?, ?> map) {
      Scriptable object = cx.newObject(scope);
      map.forEach((key, item) -> object.put(String.valueOf(key), object, toJs(cx, scope, item)));
      return object;
    }
    if (value instanceof List<?> list) {
      Object[] items = new Object[list.size()];
      for (int i = 0; i < items.length; i++) {
        items[i] = toJs(cx, scope, list.get(i));
      }
      Scriptable array = cx.newArray(scope, items);
      if (value instanceof NamedList named) {
        named.names().forEach((name, index) -> array.put(name, array, items[index]));
      }
      return array;
    }
    return String.valueOf(value);
  }
}
