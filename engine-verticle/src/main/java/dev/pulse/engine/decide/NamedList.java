package dev.pulse.engine.decide;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A list whose items can also be reached by name, so that a condition can write both
 * {@code state.steps[0]} and {@code state.steps['Update package list']}.
 */
public final class NamedList extends ArrayList<Object> {

  private final Map<String, Integer> names = new LinkedHashMap<>();

  /** Appends {@code item}, reachable by {@code name} too unless an earlier item took the name. */
  public void add(String name, Object item) {
    add(item);
    if (name != null) {
      names.putIfAbsent(name, size() - 1);
    }
  }

  /** The index of each named item. */
  public Map<String, Integer> names() {
    return names;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NamedList list && super.equals(list) && names.equals(list.names);
  }

  @Override
  public int hashCode() {
    return super.hashCode() * 31 + names.hashCode();
  }
}
