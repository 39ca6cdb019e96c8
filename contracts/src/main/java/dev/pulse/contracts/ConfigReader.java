package dev.pulse.contracts;

import io.vertx.core.json.JsonObject;

/**
 * Reads typed values from a flat configuration object (environment-style keys such as
 * {@code PORT}), failing with a {@link ConfigException} whose one line names the key and what
 * is expected.
 */
public final class ConfigReader {

  private final JsonObject config;

  /** A reader over the merged configuration. */
  public ConfigReader(JsonObject config) {
    this.config = config == null ? new JsonObject() : config;
  }

  /** A string, or the default when absent or blank. */
  public String string(String key, String fallback) {
    Object value = config.getValue(key);
    if (value == null || value.toString().isBlank()) {
      return fallback;
    }
    return value.toString().trim();
  }

  /** A string that must be present. */
  public String required(String key, String what) {
    String value = string(key, null);
    if (value == null) {
      throw new ConfigException(key + " is required: " + what);
    }
    return value;
  }

  /** A whole number within [min, max], or the default when absent. */
  public long number(String key, long fallback, long min, long max) {
    String text = string(key, null);
    if (text == null) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number from " + min + " to " + max + ", got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new ConfigException(key + " must be a whole number from " + min + " to " + max + ", got '" + text + "'");
    }
    return value;
  }

  /** An int within [min, max]. */
  public int integer(String key, int fallback, int min, int max) {
    return (int) number(key, fallback, min, max);
  }

  /** A TCP port (1–65535, or 0 when {@code allowAny} for "pick a free one"). */
  public int port(String key, int fallback, boolean allowAny) {
    return integer(key, fallback, allowAny ? 0 : 1, 65535);
  }

  /** true/false/yes/no/1/0. */
  public boolean bool(String key, boolean fallback) {
    String text = string(key, null);
    if (text == null) {
      return fallback;
    }
    switch (text.toLowerCase()) {
      case "true", "yes", "1", "on":
        return true;
      case "false", "no", "0", "off":
        return false;
      default:
        throw new ConfigException(key + " must be true or false, got '" + text + "'");
    }
  }

  /** The underlying object. */
  public JsonObject json() {
    return config;
  }
}
