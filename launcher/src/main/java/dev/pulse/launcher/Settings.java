package dev.pulse.launcher;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads PULSE's settings with explicit stores, last wins: the defaults shipped in config/
 * ({@code pulse/defaults.json}), a {@code .env} file (ENV_FILE, default {@code ./.env}), the
 * environment, the {@code --config} JSON file, then {@code -D} system properties.
 */
final class Settings {

  private Settings() {
  }

  /** The merged settings; blocks the calling (main) thread, never an event loop. */
  static JsonObject load(String configFile) {
    Vertx vertx = Vertx.vertx();
    try {
      String envFile = System.getenv().getOrDefault("ENV_FILE", System.getProperty("ENV_FILE", ".env"));
      ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false)
          .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults()));
      if (Files.isRegularFile(Path.of(envFile))) {
        options.addStore(new ConfigStoreOptions().setType("file").setFormat("properties")
            .setConfig(new JsonObject().put("path", envFile).put("raw-data", true)));
      }
      options.addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)));
      if (configFile != null) {
        options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
            .setConfig(new JsonObject().put("path", configFile)));
      }
      options.addStore(new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("raw-data", true)));
      ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
      try {
        return retriever.getConfig().await();
      } catch (RuntimeException e) {
        throw new dev.pulse.contracts.ConfigException("Could not read the settings: " + e.getMessage());
      } finally {
        retriever.close();
      }
    } finally {
      vertx.close().await();
    }
  }

  static JsonObject defaults() {
    try (var in = Settings.class.getClassLoader().getResourceAsStream("pulse/defaults.json")) {
      if (in == null) {
        throw new IllegalStateException("pulse/defaults.json is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
