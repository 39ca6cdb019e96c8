package dev.pulse.engine.model;

import java.util.Collections;
import java.util.Map;

/**
 * One branch of a {@code parallel} step: a name and the steps it runs, kept as a definition
 * ({@code {steps: [...]}}) that becomes the branch's own child execution.
 */
public record Branch(String name, Map<String, Object> definition) {

  public Branch {
    definition = Collections.unmodifiableMap(definition);
  }
}
