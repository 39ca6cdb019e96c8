package dev.pulse.storage;

import dev.pulse.contracts.ConfigReader;

/**
 * Where the MariaDB database is.
 *
 * @param host DB_HOST
 * @param port DB_PORT (3306)
 * @param database DB_NAME (pulse)
 * @param user DB_USER
 * @param password DB_PASSWORD; never logged
 * @param poolSize DB_POOL_SIZE (8)
 */
public record DbConfig(String host, int port, String database, String user, String password, int poolSize) {

  /** Reads the DB_* keys; DB_HOST and DB_PASSWORD are required. */
  public static DbConfig from(ConfigReader config) {
    return new DbConfig(
        config.required("DB_HOST", "the MariaDB host PULSE stores its data in"),
        config.port("DB_PORT", 3306, false),
        config.string("DB_NAME", "pulse"),
        config.string("DB_USER", "pulse"),
        config.required("DB_PASSWORD", "the password of DB_USER"),
        config.integer("DB_POOL_SIZE", 8, 1, 200));
  }

  /** This configuration with the DB_* keys written back, for handing to verticles. */
  public io.vertx.core.json.JsonObject toConfig() {
    return new io.vertx.core.json.JsonObject().put("DB_HOST", host).put("DB_PORT", port).put("DB_NAME", database)
        .put("DB_USER", user).put("DB_PASSWORD", password).put("DB_POOL_SIZE", poolSize);
  }

  @Override
  public String toString() {
    return "DbConfig[" + user + "@" + host + ":" + port + "/" + database + "]";
  }
}
