package dev.pulse.worker.exec;

import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowResult;

/**
 * A local workflow's outcome together with the dispatch it answers.
 *
 * @param dispatch the dispatch, for its {@code reply_to}
 * @param result the result
 */
public record WorkflowFinished(WorkflowDispatch dispatch, WorkflowResult result) {
}
