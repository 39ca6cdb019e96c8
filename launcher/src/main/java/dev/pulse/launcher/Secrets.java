package dev.pulse.launcher;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.signing.DispatchKeys;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets that may be left unset: generated on first start into {@code DATA_DIR/secrets/} with
 * mode 0600 and reused after. Only file paths and public fingerprints are logged, never a value.
 */
final class Secrets {

  /** File name of the dispatch private key (PKCS#8 PEM, mode 0600) under DATA_DIR/secrets. */
  static final String DISPATCH_PRIVATE_FILE = "dispatch-ed25519.key";
  /** File name of the dispatch public key (X.509 PEM) under DATA_DIR/secrets. */
  static final String DISPATCH_PUBLIC_FILE = "dispatch-ed25519.pub";

  private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

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
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), StandardCharsets.UTF_8);
        LOG.info("{} was not set; generated one in {}", key, file.toAbsolutePath());
      }
      settings.put(key, Files.readString(file, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep " + key + " in " + file, e);
    }
  }

  /**
   * Puts the dispatch key pair into settings as DISPATCH_PRIVATE_KEY and DISPATCH_PUBLIC_KEY (base64
   * DER): from those settings when DISPATCH_PRIVATE_KEY is set, else from DISPATCH_PRIVATE_KEY_FILE and
   * DISPATCH_PUBLIC_KEY_FILE (default DATA_DIR/secrets/dispatch-ed25519.key and .pub), generated there
   * on first start. Every server node of a cluster needs the same pair: copy both files over.
   *
   * @param publicRequired true in dev mode, where the local worker verifies with the public key
   */
  static void ensureDispatchKeys(JsonObject settings, Path dataDir, boolean publicRequired) {
    ConfigReader reader = new ConfigReader(settings);
    String inlinePrivate = reader.string("DISPATCH_PRIVATE_KEY", null);
    String inlinePublic = reader.string("DISPATCH_PUBLIC_KEY", null);
    PrivateKey privateKey;
    List<PublicKey> publicKeys;
    if (inlinePrivate != null) {
      privateKey = DispatchKeys.privateKey(inlinePrivate, "DISPATCH_PRIVATE_KEY");
      if (inlinePublic == null && publicRequired) {
        throw new ConfigException("DISPATCH_PUBLIC_KEY is required with DISPATCH_PRIVATE_KEY in dev mode: the local"
            + " worker verifies commands with it");
      }
      publicKeys = inlinePublic == null ? List.of() : DispatchKeys.publicKeys(inlinePublic, "DISPATCH_PUBLIC_KEY");
    } else {
      Path secrets = dataDir.resolve("secrets");
      Path privateFile = Path.of(reader.string("DISPATCH_PRIVATE_KEY_FILE",
          secrets.resolve(DISPATCH_PRIVATE_FILE).toString())).toAbsolutePath();
      Path publicFile = Path.of(reader.string("DISPATCH_PUBLIC_KEY_FILE",
          secrets.resolve(DISPATCH_PUBLIC_FILE).toString())).toAbsolutePath();
      if (!Files.exists(privateFile) && !Files.exists(publicFile)) {
        generate(privateFile, publicFile);
      }
      privateKey = DispatchKeys.readPrivateKey(existing(privateFile, "DISPATCH_PRIVATE_KEY_FILE", publicFile),
          "DISPATCH_PRIVATE_KEY_FILE");
      publicKeys = DispatchKeys.readPublicKeys(existing(publicFile, "DISPATCH_PUBLIC_KEY_FILE", privateFile),
          "DISPATCH_PUBLIC_KEY_FILE");
      warnIfShared(privateFile);
      inlinePublic = null;
    }
    if (!publicKeys.isEmpty() && publicKeys.stream().noneMatch(key -> DispatchKeys.pairs(privateKey, key))) {
      throw new ConfigException("DISPATCH_PRIVATE_KEY and DISPATCH_PUBLIC_KEY do not belong together: use the two"
          + " halves of one pair (the files in DATA_DIR/secrets of the first server node)");
    }
    settings.put("DISPATCH_PRIVATE_KEY", DispatchKeys.base64(privateKey));
    if (inlinePublic == null && !publicKeys.isEmpty()) {
      settings.put("DISPATCH_PUBLIC_KEY", DispatchKeys.base64(publicKeys.get(0)));
    }
    if (!publicKeys.isEmpty()) {
      LOG.info("Commands are signed with dispatch key {}; workers need its public half (DISPATCH_PUBLIC_KEY)",
          DispatchKeys.fingerprint(publicKeys.stream().filter(key -> DispatchKeys.pairs(privateKey, key))
              .findFirst().orElseThrow()));
    }
  }

  private static Path existing(Path file, String setting, Path other) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(setting + " " + file + " is missing while " + other + " exists: copy both files"
          + " from another server node, or delete both to make a new pair (workers then need the new public key)");
    }
    return file;
  }

  private static void generate(Path privateFile, Path publicFile) {
    KeyPair pair = DispatchKeys.generate();
    try {
      for (Path dir : List.of(privateFile.getParent(), publicFile.getParent())) {
        if (!Files.isDirectory(dir)) {
          Files.createDirectories(dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
      }
      Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.writeString(privateFile, DispatchKeys.pem(pair.getPrivate()), StandardCharsets.US_ASCII);
      Files.writeString(publicFile, DispatchKeys.pem(pair.getPublic()), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the dispatch key pair to " + privateFile.getParent(), e);
    }
    LOG.info("Generated the dispatch signing key pair {} and {}; copy both to every other server node, and give"
        + " workers the public one", privateFile, publicFile);
  }

  private static void warnIfShared(Path privateFile) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(privateFile);
      if (!OWNER_ONLY.containsAll(permissions)) {
        LOG.warn("{} can be read by other users; chmod 600 it", privateFile);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
  }
}
