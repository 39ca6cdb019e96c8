package dev.pulse.engine.model;

import java.util.Locale;

/** One target worker's part of an execute step. */
public enum TargetStatus {
  /** Dispatched; no result yet. */
  RUNNING,
  /** Its last attempt failed; the next one is due at the target's retry time. */
  RETRYING,
  /** Exit code 0. */
  COMPLETED,
  /** Non-zero exit, timed out, offline, lost, cancelled or never dispatched. */
  FAILED;

  /** The wire spelling. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status with that wire spelling (FAILED when unknown). */
  public static TargetStatus parse(String text) {
    for (TargetStatus status : values()) {
      if (status.wire().equals(text)) {
        return status;
      }
    }
    return FAILED;
  }
}
