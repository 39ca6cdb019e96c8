package dev.pulse.contracts;

/**
 * A configuration value that PULSE cannot start with. Its message is one line naming the key
 * and what is expected; the launcher prints it and exits.
 */
public class ConfigException extends RuntimeException {

  /** A configuration error with a one-line message. */
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
