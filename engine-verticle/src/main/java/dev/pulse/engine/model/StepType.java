package dev.pulse.engine.model;

import java.util.Locale;

/**
 * What a step does: run a command on workers, ask a person, sleep, run branches at once
 * ({@code parallel}) or run another workflow and wait for it ({@code workflow}).
 */
public enum StepType {
  EXECUTE, PROMPT, WAIT, PARALLEL, WORKFLOW;

  /** The definition's spelling ({@code execute}). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type named in a definition, or null when there is none by that name. */
  public static StepType parse(String text) {
    for (StepType type : values()) {
      if (type.wire().equals(text)) {
        return type;
      }
    }
    return null;
  }
}
