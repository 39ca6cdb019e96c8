package dev.pulse.launcher;

import dev.pulse.api.ApiConfig;
import dev.pulse.contracts.ConfigReader;
import java.util.Set;

/**
 * Parses every role's settings before anything starts, so that a bad value stops start-up with
 * one line naming the key instead of failing later, half-started. The verticles parse the same
 * records again at deployment; this only moves the first failure to the front.
 */
final class Preflight {

  private Preflight() {
  }

  static void server(ConfigReader settings, Set<String> roles) {
    if (roles.contains("api")) {
      ApiConfig.from(settings);
    }
  }
}
