package dev.pulse.contracts;

import java.util.Map;
import java.util.Set;

/**
 * Which roles may ask for each change on the bus. Reads, worker traffic (connect, heartbeat,
 * results: authenticated by worker keys and idempotent by command id) and events are not listed:
 * they change nothing a user decides.
 */
public final class BusPolicy {

  /** An administrator (the API's admin group). */
  public static final String ADMIN = "admin";
  /** An employee (the API's employee group). */
  public static final String EMPLOYEE = "employee";
  /** A server node acting on its own (an engine forwarding a request to the engine that owns it). */
  public static final String SERVER = "server";

  private static final Set<String> USERS = Set.of(ADMIN, EMPLOYEE);
  private static final Set<String> ADMINS = Set.of(ADMIN);

  /** The engine's guarded addresses. */
  public static final Map<String, Set<String>> ENGINE = Map.of(
      Addresses.ENGINE_WORKFLOW_CREATE, ADMINS,
      Addresses.ENGINE_WORKFLOW_UPDATE, ADMINS,
      Addresses.ENGINE_WORKFLOW_DELETE, ADMINS,
      Addresses.ENGINE_SCHEDULE_PUT, ADMINS,
      Addresses.ENGINE_EXECUTION_START, USERS,
      Addresses.ENGINE_EXECUTION_RESPOND, USERS,
      Addresses.ENGINE_EXECUTION_CANCEL, USERS,
      Addresses.ENGINE_EXECUTION_RESUME, USERS);

  /** The registry's guarded addresses. */
  public static final Map<String, Set<String>> REGISTRY = Map.of(
      Addresses.REGISTRY_DELETE, ADMINS,
      Addresses.REGISTRY_KEY_ROTATE, ADMINS,
      Addresses.REGISTRY_KEY_REVOKE, ADMINS,
      Addresses.REGISTRY_COMMAND, USERS,
      Addresses.REGISTRY_WORKFLOW, USERS);

  /** Roles accepted on an engine node's internal address (requests forwarded between engines). */
  public static final Set<String> ENGINE_INTERNAL = Set.of(SERVER);

  private BusPolicy() {
  }
}
