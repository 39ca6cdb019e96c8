package dev.pulse.api.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.util.List;

/**
 * Who is calling, as the SSO proxy said, with their PULSE role.
 *
 * @param username Remote-User
 * @param displayName Remote-Name
 * @param email Remote-Email
 * @param groups Remote-Groups
 * @param role {@code admin} or {@code employee}
 * @param user the same as a vertx-auth User carrying the role authorization
 */
public record Identity(String username, String displayName, String email, List<String> groups, String role,
    User user) {

  /** The role that may change definitions and the fleet. */
  public static final String ADMIN = "admin";
  /** The role that may run and watch. */
  public static final String EMPLOYEE = "employee";

  /** Builds an identity whose User carries the role (admins hold both roles). */
  public static Identity of(String username, String displayName, String email, List<String> groups, String role) {
    User user = User.fromName(username);
    if (ADMIN.equals(role)) {
      user.authorizations().put("pulse", RoleBasedAuthorization.create(ADMIN), RoleBasedAuthorization.create(EMPLOYEE));
    } else {
      user.authorizations().put("pulse", RoleBasedAuthorization.create(EMPLOYEE));
    }
    return new Identity(username, displayName, email, List.copyOf(groups), role, user);
  }

  /** Whether the caller holds the role (vertx-auth-common role match). */
  public boolean has(String requiredRole) {
    return RoleBasedAuthorization.create(requiredRole).match(user);
  }

  /** The body of {@code GET /api/user}. */
  public JsonObject toJson() {
    return new JsonObject().put("username", username).put("display_name", displayName).put("email", email)
        .put("groups", new JsonArray(groups)).put("role", role);
  }
}
