package dev.pulse.contracts;

/**
 * Addresses the engine nodes use among themselves. Not events for the dashboard: they are
 * outside {@link Addresses#EVENTS_PREFIX}, so the SockJS bridge never forwards them.
 *
 * <p>Each active execution is driven by one engine node at a time (a lease in the
 * {@code executions} table). Requests and results reach any node, because the bus spreads
 * requests over the consumers; these addresses bring them to the owner.
 */
public final class EngineInternal {

  private EngineInternal() {
  }

  /**
   * Published by the engine node that recorded a step's {@link CommandResult} (the first one for
   * its {@code command_id}) in the database: {@code {execution_id, command_id, result}}, where
   * {@code result} is the recorded {@code command_result}. Consumed by every engine node; the
   * owner of the execution advances it, the others ignore it. A lost notification only delays
   * the owner, which also re-reads recorded results periodically.
   */
  public static final String COMMAND_RECORDED = Addresses.PREFIX + "engine.internal.command_recorded";

  /**
   * Published by the engine node that stored the end of a child execution (a branch of a
   * parallel step, a sub-workflow, a step's onFailure steps): {@code {execution_id, parent_id}}.
   * Only a hint: the node driving the parent reads the child's status from the database; the
   * others ignore it. A lost hint only delays the parent, which also re-reads its children
   * periodically.
   */
  public static final String CHILD_FINISHED = Addresses.PREFIX + "engine.internal.child_finished";

  /**
   * Consumed by one engine node (its node id is the {@code owner} column of the executions it
   * drives). Requests forwarded from another node for an execution this node owns:
   * {@code {op: "respond"|"cancel", ...the original request}}; replies as
   * {@link Addresses#ENGINE_EXECUTION_RESPOND} / {@link Addresses#ENGINE_EXECUTION_CANCEL} would.
   */
  public static String engineNode(String nodeId) {
    return Addresses.PREFIX + "engine.node." + nodeId;
  }
}
