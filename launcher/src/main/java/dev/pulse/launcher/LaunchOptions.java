package dev.pulse.launcher;

import dev.pulse.contracts.ConfigException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line.
 *
 * @param mode dev, server or worker
 * @param roles server roles (api, engine, registry)
 * @param instances worker instances in this JVM
 * @param configFile an optional JSON settings file
 */
public record LaunchOptions(String mode, Set<String> roles, int instances, String configFile) {

  /** Every server role. */
  public static final List<String> ALL_ROLES = List.of("api", "engine", "registry");

  static final String USAGE = String.join("\n",
      "usage: java -jar pulse.jar dev    [--config FILE]",
      "       java -jar pulse.jar server [--roles api,engine,registry] [--config FILE]",
      "       java -jar pulse.jar worker [--instances N] [--config FILE]",
      "Settings come from config/defaults.json, then .env, then the environment, then --config/-D.");

  /** Parses the arguments; null when help was asked for or nothing was given. */
  public static LaunchOptions parse(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      return null;
    }
    String mode = args[0];
    Set<String> roles = new LinkedHashSet<>(ALL_ROLES);
    int instances = 1;
    String configFile = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (arg) {
        case "--roles" -> {
          roles = roles(value);
          i++;
        }
        case "--instances" -> {
          instances = instances(value);
          i++;
        }
        case "--config" -> {
          if (value == null) {
            throw new ConfigException("--config needs a file name");
          }
          configFile = value;
          i++;
        }
        default -> throw new ConfigException("Unknown option '" + arg + "'; see --help");
      }
    }
    if (!mode.equals("server") && roles.size() != ALL_ROLES.size()) {
      throw new ConfigException("--roles applies to 'server' only");
    }
    if (!mode.equals("worker") && instances != 1) {
      throw new ConfigException("--instances applies to 'worker' only");
    }
    return new LaunchOptions(mode, roles, instances, configFile);
  }

  private static Set<String> roles(String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException("--roles needs a comma-separated list of " + String.join(", ", ALL_ROLES));
    }
    Set<String> roles = new LinkedHashSet<>();
    for (String role : value.split(",")) {
      String trimmed = role.trim();
      if (!ALL_ROLES.contains(trimmed)) {
        throw new ConfigException("--roles: unknown role '" + trimmed + "'; expected " + String.join(", ", ALL_ROLES));
      }
      roles.add(trimmed);
    }
    return roles;
  }

  private static int instances(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= 10_000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ConfigException("--instances must be a whole number from 1 to 10000, got '" + value + "'");
  }
}
