package dev.pulse.engine.decide;

import java.util.Map;

/**
 * One line of an execution's log.
 *
 * @param at epoch milliseconds
 * @param event what happened ({@code step_started}, {@code target_finished}, {@code prompt_answered}...)
 * @param message the line in words
 * @param data structured detail (step, worker, exit code...), plain values only
 */
public record LogEntry(long at, String event, String message, Map<String, Object> data) {
}
