package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.ConfigException;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadConfigurationTest {

  @Test
  void unknownRoleIsNamedOnTheCommandLine() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> LaunchOptions.parse(new String[] {"server", "--roles", "api,scheduler"}));
    assertEquals("--roles: unknown role 'scheduler'; expected api, engine, registry", error.getMessage());
  }

  @Test
  void nonNumericInstancesAreRefused() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> LaunchOptions.parse(new String[] {"worker", "--instances", "many"}));
    assertEquals("--instances must be a whole number from 1 to 10000, got 'many'", error.getMessage());
  }

  @Test
  void serverModeWithoutDatabasePasswordStopsNamingTheKey() {
    JsonObject settings = Settings.defaults().put("DB_HOST", "127.0.0.1");
    ConfigException error = assertThrows(ConfigException.class, () -> ServerMode.start(settings, Set.of("api")));
    assertEquals("DB_PASSWORD is required: the password of DB_USER", error.getMessage());
  }

  @Test
  void devAuthIsImpossibleInServerMode() {
    JsonObject settings = Settings.defaults().put("AUTH_MODE", "dev");
    ConfigException error = assertThrows(ConfigException.class, () -> ServerMode.start(settings, Set.of("api")));
    assertTrue(error.getMessage().startsWith("AUTH_MODE=dev is for 'pulse dev' only"), error.getMessage());
  }

  @Test
  void nonNumericPortStopsTheProcessWithOneLineAndExitCode2() throws Exception {
    Path dataDir = TestDatabase.dataDir().resolve("badport");
    Files.createDirectories(dataDir);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.pulse.launcher.Main", "dev"));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile());
    builder.environment().put("PORT", "eighty");
    builder.environment().put("DB_HOST", "127.0.0.1");
    builder.environment().put("DB_PASSWORD", "unused");
    builder.environment().put("DATA_DIR", dataDir.toString());
    File stderr = dataDir.resolve("stderr.txt").toFile();
    builder.redirectError(stderr).redirectOutput(dataDir.resolve("stdout.txt").toFile());
    Process process = builder.start();
    assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the process ends by itself");
    assertEquals(2, process.exitValue());
    List<String> lines = Files.readAllLines(stderr.toPath(), StandardCharsets.UTF_8);
    assertEquals(List.of("pulse: PORT must be a whole number from 0 to 65535, got 'eighty'"), lines);
  }
}
