package dev.pulse.engine.model;

import java.util.List;

/**
 * A prompt and who answered it.
 *
 * @param step the prompt step's index
 * @param name the step's name
 * @param message the question
 * @param options the allowed answers
 * @param response the chosen option
 * @param respondedBy who answered
 * @param respondedAt epoch milliseconds of the answer
 */
public record PromptAnswer(int step, String name, String message, List<String> options, String response,
    String respondedBy, long respondedAt) {
}
