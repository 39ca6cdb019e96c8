package dev.pulse.contracts.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Rotation of a per-worker key without any key crossing the bus.
 *
 * <p>The registry sends the worker a signed control message {@code {type: rotate_key, nonce}}.
 * The worker, having verified the signature, makes a new key, stores it, and answers
 * {@code {key_hash, proof}}: the new key's SHA-256 (hex) and {@link #proof} keyed with the
 * SHA-256 of its old key, which only the worker and the registry's stored hash know. The
 * registry checks the proof with {@link #matches} and stores the new hash, so the old key is
 * refused from then on. A process on the bus that intercepts the request learns nothing
 * usable, and cannot answer it without the old key.
 */
public final class WorkerKeyProof {

  /** Control type: rotate the worker's key ({@code {nonce}}, signed); replies {@code {key_hash, proof}}. */
  public static final String ROTATE_KEY = "rotate_key";
  /** Control type: the worker's key was revoked (signed); the worker stops working and forgets its key. */
  public static final String REVOKED = "revoked";

  private static final SecureRandom RANDOM = new SecureRandom();

  private WorkerKeyProof() {
  }

  /** A new per-worker key: 32 random bytes, base64url without padding. */
  public static String newKey() {
    return random(32);
  }

  /** A fresh nonce for one rotation. */
  public static String nonce() {
    return random(16);
  }

  /** The stored form of a key: its SHA-256 in lowercase hex. */
  public static String hash(String key) {
    return HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** The worker's proof: HMAC-SHA256 keyed with SHA-256(old key) over {@code nonce + "\n" + newKeyHash}, hex. */
  public static String proof(String oldKey, String nonce, String newKeyHash) {
    return hmac(sha256(oldKey.getBytes(StandardCharsets.UTF_8)), nonce, newKeyHash);
  }

  /** The registry's check of a proof against the old key's stored hash, in constant time. */
  public static boolean matches(String storedOldHash, String nonce, String newKeyHash, String proof) {
    if (storedOldHash == null || nonce == null || newKeyHash == null || proof == null
        || !newKeyHash.matches("[0-9a-f]{64}")) {
      return false;
    }
    byte[] oldDigest;
    byte[] given;
    try {
      oldDigest = HexFormat.of().parseHex(storedOldHash);
      given = HexFormat.of().parseHex(proof);
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return MessageDigest.isEqual(HexFormat.of().parseHex(hmac(oldDigest, nonce, newKeyHash)), given);
  }

  private static String hmac(byte[] key, String nonce, String newKeyHash) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((nonce + "\n" + newKeyHash).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static String random(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
