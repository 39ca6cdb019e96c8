package dev.pulse.registry.workers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Worker keys: the shared enrolment key and the per-worker keys issued at enrolment. Only
 * SHA-256 digests are compared (in constant time) and only the hex digest of a worker's own key
 * is stored, so a database dump does not hand out working keys.
 */
public final class ApiKeys {

  /** A freshly issued per-worker key: the plain text goes to the worker once, the hash is stored. */
  public record Issued(String plain, String hash) {
  }

  private final byte[] sharedDigest;
  private final SecureRandom random = new SecureRandom();

  public ApiKeys(String sharedKey) {
    this.sharedDigest = sha256(sharedKey);
  }

  /** Whether the presented key is the shared enrolment key. */
  public boolean isShared(String presented) {
    return presented != null && MessageDigest.isEqual(sha256(presented), sharedDigest);
  }

  /** Whether the presented key is the worker's own key (false when it has none). */
  public boolean isOwn(String presented, Worker worker) {
    if (presented == null || worker == null || worker.keyHash() == null) {
      return false;
    }
    byte[] stored;
    try {
      stored = HexFormat.of().parseHex(worker.keyHash());
    } catch (IllegalArgumentException corrupt) {
      return false;
    }
    return MessageDigest.isEqual(sha256(presented), stored);
  }

  /** A new random per-worker key: 32 bytes, base64url without padding. */
  public Issued issue() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String plain = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return new Issued(plain, HexFormat.of().formatHex(sha256(plain)));
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
