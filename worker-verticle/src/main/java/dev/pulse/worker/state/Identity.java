package dev.pulse.worker.state;

/**
 * Who this worker is, kept across restarts in {@code worker.json}.
 *
 * @param workerId stable UUID, created once
 * @param workerKey the per-worker key the registry issued on enrolment, or null; never logged
 */
public record Identity(String workerId, String workerKey) {

  /** The same identity with a new worker key. */
  public Identity withKey(String key) {
    return new Identity(workerId, key);
  }

  @Override
  public String toString() {
    return "Identity[workerId=" + workerId + ", workerKey=" + (workerKey == null ? "none" : "***") + "]";
  }
}
