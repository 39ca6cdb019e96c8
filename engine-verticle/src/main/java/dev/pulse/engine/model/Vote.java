package dev.pulse.engine.model;

/** One person's answer to a prompt that needs several ({@link Approval#required()}). */
public record Vote(String by, String response, long at) {
}
