package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.signing.DispatchKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatch key pair on disk: made once, reused, checked; a worker node will not start without its public half. */
class DispatchKeyFilesTest {

  @Test
  void pairIsGeneratedOnFirstStartOwnerOnlyAndReusedAfter(@TempDir Path dataDir) throws Exception {
    JsonObject first = new JsonObject();
    Secrets.ensureDispatchKeys(first, dataDir, true);
    Path privateFile = dataDir.resolve("secrets").resolve(Secrets.DISPATCH_PRIVATE_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile)));
    assertTrue(Files.readString(privateFile).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertTrue(Files.readString(dataDir.resolve("secrets").resolve(Secrets.DISPATCH_PUBLIC_FILE))
        .startsWith("-----BEGIN PUBLIC KEY-----"));

    JsonObject second = new JsonObject();
    Secrets.ensureDispatchKeys(second, dataDir, true);
    assertEquals(first.getString("DISPATCH_PRIVATE_KEY"), second.getString("DISPATCH_PRIVATE_KEY"));
    assertEquals(first.getString("DISPATCH_PUBLIC_KEY"), second.getString("DISPATCH_PUBLIC_KEY"));
  }

  @Test
  void keyFilesElsewhereAreUsedWhenNamed(@TempDir Path dataDir, @TempDir Path etc) throws Exception {
    var pair = DispatchKeys.generate();
    Path privateFile = etc.resolve("signing.key");
    Path publicFile = etc.resolve("signing.pub");
    Files.writeString(privateFile, DispatchKeys.pem(pair.getPrivate()));
    Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(publicFile, DispatchKeys.pem(pair.getPublic()));
    JsonObject settings = new JsonObject().put("DISPATCH_PRIVATE_KEY_FILE", privateFile.toString())
        .put("DISPATCH_PUBLIC_KEY_FILE", publicFile.toString());
    Secrets.ensureDispatchKeys(settings, dataDir, false);
    assertEquals(DispatchKeys.base64(pair.getPrivate()), settings.getString("DISPATCH_PRIVATE_KEY"));
    assertFalse(Files.exists(dataDir.resolve("secrets")), "nothing generated");
  }

  @Test
  void halfAPairOrTwoHalvesOfDifferentPairsStopStartUp(@TempDir Path dataDir) throws Exception {
    Secrets.ensureDispatchKeys(new JsonObject(), dataDir, false);
    Path publicFile = dataDir.resolve("secrets").resolve(Secrets.DISPATCH_PUBLIC_FILE);
    Files.writeString(publicFile, DispatchKeys.pem(DispatchKeys.generate().getPublic()));
    ConfigException mismatch = assertThrows(ConfigException.class,
        () -> Secrets.ensureDispatchKeys(new JsonObject(), dataDir, false));
    assertTrue(mismatch.getMessage().contains("do not belong together"), mismatch.getMessage());

    Files.delete(publicFile);
    ConfigException missing = assertThrows(ConfigException.class,
        () -> Secrets.ensureDispatchKeys(new JsonObject(), dataDir, false));
    assertTrue(missing.getMessage().startsWith("DISPATCH_PUBLIC_KEY_FILE"), missing.getMessage());
  }

  @Test
  void inlinePrivateKeyInDevModeNeedsItsPublicHalf(@TempDir Path dataDir) {
    String privateKey = DispatchKeys.base64(DispatchKeys.generate().getPrivate());
    ConfigException failure = assertThrows(ConfigException.class, () -> Secrets.ensureDispatchKeys(
        new JsonObject().put("DISPATCH_PRIVATE_KEY", privateKey), dataDir, true));
    assertTrue(failure.getMessage().startsWith("DISPATCH_PUBLIC_KEY is required"), failure.getMessage());
    assertFalse(failure.getMessage().contains(privateKey));
  }

  @Test
  void workerNodeWithoutTheDispatchPublicKeyRefusesToStart() {
    ConfigException failure = assertThrows(ConfigException.class,
        () -> WorkerMode.start(Settings.defaults().put("WORKER_API_KEY", "k"), 1));
    assertTrue(failure.getMessage().startsWith("DISPATCH_PUBLIC_KEY is required"), failure.getMessage());
    assertEquals(1, failure.getMessage().lines().count());
  }
}
