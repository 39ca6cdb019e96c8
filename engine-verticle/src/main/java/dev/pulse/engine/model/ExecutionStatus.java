package dev.pulse.engine.model;

import java.util.Locale;

/** The life of an execution; the last three are terminal. */
public enum ExecutionStatus {
  PENDING, RUNNING, WAITING_FOR_INPUT, COMPLETED, FAILED, CANCELLED;

  /** The wire spelling ({@code waiting_for_input}). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether nothing more will happen to the execution. */
  public boolean terminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** The status with that wire spelling, or null. */
  public static ExecutionStatus parse(String text) {
    for (ExecutionStatus status : values()) {
      if (status.wire().equals(text)) {
        return status;
      }
    }
    return null;
  }
}
