package dev.pulse.launcher;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets that may be left unset: generated on first start into {@code DATA_DIR/secrets/NAME}
 * with mode 0600 and reused after. Only the file's path is logged, never the value.
 */
final class Secrets {

  private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);

  private Secrets() {
  }

  /** Puts {@code key} into settings from the environment, the secrets file, or a new value. */
  static void ensure(JsonObject settings, Path dataDir, String key) {
    Object configured = settings.getValue(key);
    if (configured != null && !configured.toString().isBlank()) {
      return;
    }
    Path file = dataDir.resolve("secrets").resolve(key);
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), StandardCharsets.UTF_8);
        LOG.info("{} was not set; generated one in {}", key, file.toAbsolutePath());
      }
      settings.put(key, Files.readString(file, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep " + key + " in " + file, e);
    }
  }
}
