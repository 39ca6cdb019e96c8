package dev.pulse.engine.model;

import java.util.List;

/**
 * Who may answer a prompt and how many must agree.
 *
 * @param groups SSO groups whose members may answer (empty with empty users: anyone)
 * @param users user names who may answer
 * @param excludeStarter whether the person who started the execution may not answer
 * @param required how many different people must give the same answer for it to count
 * @param timeoutMs after this long without a decision the prompt takes {@code defaultOption}; 0 for never
 * @param defaultOption the answer a timed-out prompt takes
 */
public record Approval(List<String> groups, List<String> users, boolean excludeStarter, int required,
    long timeoutMs, String defaultOption) {

  public Approval {
    groups = groups == null ? List.of() : List.copyOf(groups);
    users = users == null ? List.of() : List.copyOf(users);
  }

  /** Whether {@code user} (in {@code userGroups}) may answer; {@code startedBy} started the execution. */
  public boolean allows(String user, List<String> userGroups, String startedBy) {
    if (excludeStarter && user != null && user.equals(startedBy)) {
      return false;
    }
    if (groups.isEmpty() && users.isEmpty()) {
      return true;
    }
    return users.contains(user) || userGroups.stream().anyMatch(groups::contains);
  }
}
