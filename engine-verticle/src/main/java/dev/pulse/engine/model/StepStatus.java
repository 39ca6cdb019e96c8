package dev.pulse.engine.model;

import java.util.Locale;

/** The life of one step of an execution. */
public enum StepStatus {
  PENDING, RUNNING, SKIPPED, COMPLETED, FAILED;

  /** The wire spelling. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status with that wire spelling (PENDING when unknown). */
  public static StepStatus parse(String text) {
    for (StepStatus status : values()) {
      if (status.wire().equals(text)) {
        return status;
      }
    }
    return PENDING;
  }
}
