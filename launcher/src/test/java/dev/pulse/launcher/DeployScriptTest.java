package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * deploy/install.sh and deploy/deploy.sh end to end on this machine, without network: a bare git
 * repository cloned from this checkout plays the remote, releases go into a temp PREFIX, and
 * PULSE is restarted through RESTART_CMD in dev mode instead of systemd.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class DeployScriptTest {

  private static final Logger LOG = LoggerFactory.getLogger(DeployScriptTest.class);
  private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(240);

  private final List<Process> scripts = new ArrayList<>();
  private Path pidFile;

  @Test
  void deployBuildsAndStartsHeadThenRollsBackACommitThatCannotStart() throws Exception {
    long began = System.nanoTime();
    Path root = Path.of(git(Path.of("").toAbsolutePath(), "rev-parse", "--show-toplevel")).toRealPath();
    String head = git(root, "rev-parse", "HEAD");
    Path dir = TestDatabase.dataDir().resolve("deploy-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(dir);
    Path origin = dir.resolve("origin.git");
    git(dir, "clone", "--quiet", "--bare", root.toString(), origin.toString());
    git(origin, "update-ref", "refs/heads/main", head);

    int port = PulseProcess.freePort();
    pidFile = dir.resolve("pulse.pid");
    Path pulseLog = dir.resolve("pulse.log");
    Path prefix = dir.resolve("opt");
    Path envFile = dir.resolve("etc/pulse.env");
    Map<String, String> env = new HashMap<>(Map.of(
        "PREFIX", prefix.toString(),
        "ETC_DIR", dir.resolve("etc").toString(),
        "SYSTEMD_DIR", dir.resolve("systemd").toString(),
        "STATE_DIR", dir.resolve("state").toString(),
        "USE_SYSTEMD", "no",
        "CREATE_USER", "no",
        "DEPLOY_CONFIG", dir.resolve("no-deploy.env").toString()));

    Result install = run(dir.resolve("install.log"), env, root.resolve("deploy/install.sh").toString(),
        "--role", "server", "--config-only");
    assertEquals(0, install.exitCode(), install.output());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)));
    String settings = Files.readString(envFile);
    assertTrue(settings.matches("(?s).*\nWORKER_API_KEY=[0-9a-f]{64}\n.*"), "a generated worker key: " + settings);
    assertTrue(settings.matches("(?s).*\nSECRET_KEY=[0-9a-f]{64}\n.*"), "a generated secret key");
    assertTrue(settings.contains("\nDB_PASSWORD=change-me\n"), "the database password is left to the operator");
    assertTrue(Files.readString(dir.resolve("systemd/pulse.service"))
        .contains("ExecStart=/usr/bin/java $JAVA_OPTS -jar " + prefix + "/current/pulse.jar server"));
    byte[] settingsBefore = Files.readAllBytes(envFile);
    LOG.info("install.sh --config-only: {}", since(began));

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    env.putAll(Map.of(
        "REPO_URL", origin.toString(),
        "REF", "main",
        "BUILD_DIR", dir.resolve("build").toString(),
        "MVN_ARGS", offlineIfPossible(),
        "HEALTH_URL", "http://127.0.0.1:" + port + "/health",
        "HEALTH_TIMEOUT", "120",
        "RESTART_CMD", "cd " + quote(dir.toString()) + " && PORT=" + port + " DATA_DIR=" + quote(dir.resolve("data").toString())
            + " " + quote(root.resolve("deploy/restart-background.sh").toString()) + " " + quote(pidFile.toString())
            + " " + quote(pulseLog.toString()) + " " + quote(java) + " -Xmx384m -jar " + quote(prefix + "/current/pulse.jar")
            + " dev"));
    String deployScript = root.resolve("deploy/deploy.sh").toString();

    long step = System.nanoTime();
    Result first = run(dir.resolve("deploy-1.log"), env, deployScript);
    assertEquals(0, first.exitCode(), first.output());
    String good = currentRelease(prefix);
    assertTrue(good.endsWith("-" + head.substring(0, 12)), "current is the release of HEAD: " + good);
    assertTrue(Files.readString(prefix.resolve("releases").resolve(good).resolve("RELEASE")).contains("commit=" + head));
    assertEquals(200, healthStatus(port), "PULSE answers from the new release");
    LOG.info("first deploy (clone, build, install, start, health): {}", since(step));

    step = System.nanoTime();
    Result again = run(dir.resolve("deploy-again.log"), env, deployScript);
    assertEquals(0, again.exitCode(), again.output());
    assertTrue(again.output().contains("already the current release"), again.output());
    assertEquals(good, currentRelease(prefix));
    LOG.info("deploying the same commit again (nothing to do): {}", since(step));

    String broken = pushCommitThatCannotStart(dir, origin);
    step = System.nanoTime();
    env.put("HEALTH_TIMEOUT", "40");
    Result second = run(dir.resolve("deploy-2.log"), env, deployScript);
    assertEquals(2, second.exitCode(), "exit code 2: unhealthy and rolled back\n" + second.output());
    assertTrue(second.output().contains("ROLLING BACK to " + good), second.output());
    assertEquals(good, currentRelease(prefix), "current is back on the good release");
    assertEquals(200, healthStatus(port), "the previous release answers again");
    assertArrayEquals(settingsBefore, Files.readAllBytes(envFile), "the environment file is untouched");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)));
    assertTrue(Files.readString(pulseLog).contains("pulse: BUS_TIMEOUT_MS must be"), "the broken release ran and failed");
    Path failed = prefix.resolve("releases").resolve(onlyRelease(prefix, broken.substring(0, 12)));
    assertTrue(Files.readString(failed.resolve("RELEASE")).contains("failed="), "the failed release is marked");
    try (Stream<Path> backups = Files.list(dir.resolve("etc/backup"))) {
      assertEquals(2, backups.count(), "one backup of the environment file per deploy that built");
    }
    LOG.info("broken deploy (build, install, start fails, roll back, health): {}", since(step));
    LOG.info("DeployScriptTest total: {}", since(began));

    stopPulse();
    deleteTree(dir);
  }

  /** A commit on main whose defaults make start-up fail, pushed from a scratch clone. */
  private static String pushCommitThatCannotStart(Path dir, Path origin) throws IOException {
    Path scratch = dir.resolve("scratch");
    git(dir, "clone", "--quiet", origin.toString(), scratch.toString());
    Path defaults = scratch.resolve("config/defaults.json");
    JsonObject json = new JsonObject(Files.readString(defaults)).put("BUS_TIMEOUT_MS", "soon");
    Files.writeString(defaults, json.encodePrettily() + "\n");
    git(scratch, "commit", "--quiet", "-am", "Break start-up: BUS_TIMEOUT_MS is no number");
    git(scratch, "push", "--quiet", "--force", "origin", "HEAD:refs/heads/main");
    return git(scratch, "rev-parse", "HEAD");
  }

  @AfterEach
  void killEverythingStarted() {
    for (Process script : scripts) {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
    }
    stopPulse();
  }

  /** SIGTERM first, so dev mode stops its embedded MariaDB; then anything left is killed. */
  private void stopPulse() {
    Optional<ProcessHandle> pulse = readPid().flatMap(ProcessHandle::of);
    if (pulse.isEmpty()) {
      return;
    }
    List<ProcessHandle> family = new ArrayList<>(pulse.get().descendants().toList());
    family.add(pulse.get());
    pulse.get().destroy();
    try {
      pulse.get().onExit().get(45, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("PULSE {} did not stop after SIGTERM: {}", pulse.get().pid(), e.toString());
    }
    family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private Optional<Long> readPid() {
    try {
      return pidFile != null && Files.exists(pidFile)
          ? Optional.of(Long.parseLong(Files.readString(pidFile).trim())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private record Result(int exitCode, String output) {
  }

  private Result run(Path log, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // The inner Maven and git must not pick up the outer build's or a caller's repository.
    Stream.of("MAVEN_PROJECTBASEDIR", "MAVEN_CMD_LINE_ARGS", "GIT_DIR", "GIT_WORK_TREE")
        .forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    Process process = builder.start();
    scripts.add(process);
    if (!process.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(command[0] + " did not finish within " + SCRIPT_LIMIT + ":\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    LOG.info("{} exited {}:\n{}", Path.of(command[0]).getFileName(), process.exitValue(), output);
    return new Result(process.exitValue(), output);
  }

  private static String git(Path workDir, String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().remove("GIT_DIR");
    builder.environment().remove("GIT_WORK_TREE");
    builder.environment().putAll(Map.of("GIT_AUTHOR_NAME", "PULSE test", "GIT_AUTHOR_EMAIL", "test@pulse.invalid",
        "GIT_COMMITTER_NAME", "PULSE test", "GIT_COMMITTER_EMAIL", "test@pulse.invalid"));
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("git " + String.join(" ", args) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String currentRelease(Path prefix) throws IOException {
    Path link = Files.readSymbolicLink(prefix.resolve("current"));
    assertTrue(Files.isDirectory(prefix.resolve(link)), "current points at a release directory: " + link);
    return link.getFileName().toString();
  }

  private static String onlyRelease(Path prefix, String commit) throws IOException {
    try (Stream<Path> releases = Files.list(prefix.resolve("releases"))) {
      List<String> names = releases.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-" + commit)).toList();
      assertEquals(1, names.size(), "one release of " + commit + ": " + names);
      return names.get(0);
    }
  }

  private static int healthStatus(int port) {
    try (Http http = new Http(port)) {
      return http.get("/health").status();
    }
  }

  /**
   * "-o" (no network) once the local repository holds the shade plugin, which only the
   * launcher's package phase needs; on a machine that never packaged PULSE the build downloads it.
   */
  private static String offlineIfPossible() {
    Path repository = Path.of(System.getProperty("maven.repo.local",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
    boolean cached = Files.isDirectory(repository.resolve("org/apache/maven/plugins/maven-shade-plugin"));
    LOG.info("inner build {} (shade plugin {} in {})", cached ? "offline" : "online", cached ? "found" : "missing",
        repository);
    return cached ? "-o" : "";
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "'\"'\"'") + "'";
  }

  private static String since(long startNanos) {
    return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
