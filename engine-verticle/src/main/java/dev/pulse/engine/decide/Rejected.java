package dev.pulse.engine.decide;

/** A request the execution cannot take in its current state; nothing changed. */
public final class Rejected extends RuntimeException {

  /** Why. */
  public enum Kind {
    /** The state does not allow it now (nothing pending, already finished). */
    CONFLICT,
    /** The request itself is wrong (an answer that is not an option). */
    INVALID,
    /** This person may not do it (a prompt with named approvers). */
    FORBIDDEN
  }

  private final Kind kind;

  public Rejected(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
