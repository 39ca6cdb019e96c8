package dev.pulse.engine.definition;

/**
 * One thing wrong with a workflow, where it is and what to do.
 *
 * @param path where, e.g. {@code name}, {@code steps}, {@code steps[2].condition}
 * @param message what is wrong, in words the author can act on
 */
public record Problem(String path, String message) {
}
