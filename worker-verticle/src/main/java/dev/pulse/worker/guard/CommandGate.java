package dev.pulse.worker.guard;

import static dev.pulse.contracts.LogKeys.COMMAND_ID;
import static dev.pulse.contracts.LogKeys.EXECUTION_ID;
import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowStep;
import dev.pulse.contracts.signing.DispatchVerifier;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must hold before this worker runs anything: a valid signature from a server node, for
 * this worker, fresh, and a command inside the allow-list. A refused dispatch fails 403 and is
 * reported once as a {@link CommandResult} with the reason in {@code error}, but only to the two
 * result addresses, so that a forged {@code reply_to} cannot turn the worker into a relay. Its
 * command id is not remembered: a forger cannot burn the id of a genuine command.
 */
public final class CommandGate {

  /** Error of a command outside WORKER_ALLOWED_COMMANDS. */
  public static final String NOT_ALLOWED = "refused: command not in this worker's allow-list";

  private static final Logger LOG = LoggerFactory.getLogger(CommandGate.class);
  private static final Set<String> RESULT_ADDRESSES = Set.of(Addresses.ENGINE_RESULTS, Addresses.REGISTRY_RESULTS);

  private final DispatchVerifier verifier;
  private final AllowList allowList;
  private final String workerId;
  private final String workerName;
  private final BusClient bus;

  public CommandGate(DispatchVerifier verifier, AllowList allowList, String workerId, String workerName,
      BusClient bus) {
    this.verifier = verifier;
    this.allowList = allowList;
    this.workerId = workerId;
    this.workerName = workerName;
    this.bus = bus;
  }

  /** Checks the signature, addressee and age; throws 403 after reporting when they do not hold. */
  public void verify(CommandDispatch dispatch) {
    Optional<String> refusal = verifier.check(dispatch, workerId);
    if (refusal.isPresent()) {
      refuse(dispatch, refusal.get());
    }
  }

  /** Checks the allow-list (for a dispatch already verified); throws 403 after reporting when outside it. */
  public void allowed(CommandDispatch dispatch) {
    if (!allowList.allows(dispatch.command())) {
      refuse(dispatch, NOT_ALLOWED);
    }
  }

  /**
   * Checks a local workflow's signature, addressee and age, then every command against the
   * allow-list; throws 403 when one does not hold. Nothing is reported to {@code reply_to}: the
   * sender learns the refusal from the failed request.
   */
  public void verify(WorkflowDispatch dispatch) {
    Optional<String> refusal = verifier.check(dispatch, workerId);
    if (refusal.isEmpty()) {
      refusal = dispatch.steps().stream()
          .filter(step -> WorkflowStep.EXECUTE.equals(step.type()) && !allowList.allows(step.command()))
          .findFirst().map(step -> NOT_ALLOWED + " (step '" + step.name() + "')");
    }
    if (refusal.isPresent()) {
      LOG.atWarn().addKeyValue(WORKER_ID, workerId).addKeyValue(WORKER_NAME, workerName)
          .addKeyValue(EXECUTION_ID, printable(dispatch.executionId()))
          .log("Worker {} refused workflow {}: {}", workerName, printable(dispatch.executionId()), refusal.get());
      throw new PulseException(ErrorCodes.FORBIDDEN, refusal.get());
    }
  }

  /** Checks a control message's signature, addressee and age; throws 403 when they do not hold. */
  public void verifyControl(JsonObject message) {
    Optional<String> refusal = verifier.checkControl(message, workerId);
    if (refusal.isPresent()) {
      LOG.atWarn().addKeyValue(WORKER_ID, workerId).addKeyValue(WORKER_NAME, workerName)
          .log("Worker {} refused a '{}' control message: {}", workerName, printable(message.getValue("type")),
              refusal.get());
      throw new PulseException(ErrorCodes.FORBIDDEN, refusal.get());
    }
  }

  private void refuse(CommandDispatch dispatch, String reason) {
    LOG.atWarn().addKeyValue(WORKER_ID, workerId).addKeyValue(WORKER_NAME, workerName)
        .addKeyValue(COMMAND_ID, printable(dispatch.commandId()))
        .log("Worker {} refused command {} (reply to {}): {}", workerName, printable(dispatch.commandId()),
            printable(dispatch.replyTo()), reason);
    if (dispatch.commandId() != null && RESULT_ADDRESSES.contains(dispatch.replyTo())) {
      bus.request(dispatch.replyTo(), CommandResult.notRun(dispatch, workerId, reason).toJson(), "result receiver")
          .onFailure(failure -> LOG.atDebug().addKeyValue(WORKER_ID, workerId)
              .addKeyValue(COMMAND_ID, printable(dispatch.commandId()))
              .log("The refusal of command {} did not reach {}: {}", printable(dispatch.commandId()),
                  dispatch.replyTo(), failure.getMessage()));
    }
    throw new PulseException(ErrorCodes.FORBIDDEN, reason);
  }

  /** Text from the bus as it may appear in a log line: short, without control characters. */
  private static String printable(Object value) {
    if (value == null) {
      return "(none)";
    }
    String text = value.toString().replaceAll("\\p{Cntrl}", "?");
    return text.length() > 128 ? text.substring(0, 128) + "…" : text;
  }
}
