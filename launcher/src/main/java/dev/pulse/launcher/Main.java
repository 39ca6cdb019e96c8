package dev.pulse.launcher;

import dev.pulse.contracts.ConfigException;
import java.util.Arrays;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar pulse.jar <dev|server|worker> [options]}.
 *
 * <ul>
 *   <li>{@code dev}: everything in one process, embedded MariaDB when DB_HOST is unset.</li>
 *   <li>{@code server [--roles api,engine,registry]}: a clustered server node.</li>
 *   <li>{@code worker [--instances N]}: a clustered worker node (Hazelcast lite member).</li>
 * </ul>
 * {@code --config FILE} adds a JSON file of settings that wins over everything else.
 */
public final class Main {

  private Main() {
  }

  /** Entry point; exits 2 with a one-line message on bad arguments or configuration. */
  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    try {
      LaunchOptions options = LaunchOptions.parse(args);
      if (options == null) {
        System.err.println(LaunchOptions.USAGE);
        System.exit(2);
        return;
      }
      Launched launched = switch (options.mode()) {
        case "dev" -> DevMode.start(options);
        case "server" -> ServerMode.start(options);
        case "worker" -> WorkerMode.start(options);
        default -> throw new ConfigException("Unknown mode '" + options.mode() + "': use dev, server or worker");
      };
      Runtime.getRuntime().addShutdownHook(new Thread(launched::close, "pulse-shutdown"));
    } catch (ConfigException e) {
      System.err.println("pulse: " + e.getMessage());
      System.exit(2);
    } catch (NoClassDefFoundError e) {
      if (e.getMessage() != null && e.getMessage().startsWith("dev/pulse/")) {
        System.err.println("pulse: this jar does not carry the '" + String.join(" ", Arrays.asList(args))
            + "' role (pulse-worker.jar runs only 'worker'); use pulse.jar");
        System.exit(2);
      }
      throw e;
    } catch (RuntimeException e) {
      ConfigException config = configCause(e);
      if (config != null) {
        System.err.println("pulse: " + config.getMessage());
        System.exit(2);
        return;
      }
      org.slf4j.LoggerFactory.getLogger(Main.class).error("PULSE did not start: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  /** A verticle that refuses its configuration fails its deployment; find that cause. */
  private static ConfigException configCause(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConfigException config) {
        return config;
      }
    }
    return null;
  }
}
