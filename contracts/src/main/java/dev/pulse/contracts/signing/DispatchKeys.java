package dev.pulse.contracts.signing;

import dev.pulse.contracts.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * The dispatch key pair's forms: Ed25519 keys of the JDK, signing and verifying with Bouncy
 * Castle's Ed25519 (the same RFC 8032 signatures, about ten times faster than the JDK 17
 * provider: on a fan-out every command is signed once and verified once); a private key is PKCS#8 and a public key
 * X.509 SubjectPublicKeyInfo, either as PEM ({@code -----BEGIN PRIVATE KEY-----} /
 * {@code -----BEGIN PUBLIC KEY-----}, as openssl writes them) or as the bare base64 of the DER
 * bytes (the form of the {@code DISPATCH_PRIVATE_KEY} and {@code DISPATCH_PUBLIC_KEY} settings).
 * Error messages name the setting and never echo a key.
 */
public final class DispatchKeys {

  /** The JDK algorithm name of the key pair and the signatures. */
  public static final String ALGORITHM = "Ed25519";

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  private DispatchKeys() {
  }

  /** A new random key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This Java runtime has no Ed25519 (Java 15 or later has)", e);
    }
  }

  /** The bare base64 of a key's DER encoding (PKCS#8 or X.509). */
  public static String base64(java.security.Key key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /** A key in PEM, as written to the key files. */
  public static String pem(java.security.Key key) {
    String label = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END " + label + "-----\n";
  }

  /**
   * Reads a private key from PEM or bare base64.
   *
   * @param setting the setting it came from, named in the error
   */
  public static PrivateKey privateKey(String text, String setting) {
    List<byte[]> der = der(text, "PRIVATE KEY", setting);
    if (der.size() != 1) {
      throw new ConfigException(setting + " must hold exactly one Ed25519 private key (PKCS#8)");
    }
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der.get(0)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException(setting + " is not an Ed25519 private key in PKCS#8 (PEM or base64)");
    }
  }

  /**
   * Reads one or more public keys: PEM blocks, or base64 values separated by commas or white space.
   *
   * @param setting the setting it came from, named in the error
   */
  public static List<PublicKey> publicKeys(String text, String setting) {
    List<PublicKey> keys = new ArrayList<>();
    for (byte[] der : der(text, "PUBLIC KEY", setting)) {
      try {
        keys.add(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der)));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new ConfigException(setting + " is not an Ed25519 public key in X.509 (PEM or base64)");
      }
    }
    if (keys.isEmpty()) {
      throw new ConfigException(setting + " holds no public key");
    }
    return keys;
  }

  /** Reads the public key(s) of a file (blocking; call it off the event loop). */
  public static List<PublicKey> readPublicKeys(Path file, String setting) {
    try {
      return publicKeys(Files.readString(file, StandardCharsets.US_ASCII), setting + " (" + file + ")");
    } catch (IOException e) {
      throw new ConfigException(setting + " names " + file + ", which cannot be read: " + e.getMessage());
    }
  }

  /** Reads a private key file (blocking; call it off the event loop). */
  public static PrivateKey readPrivateKey(Path file, String setting) {
    try {
      return privateKey(Files.readString(file, StandardCharsets.US_ASCII), setting + " (" + file + ")");
    } catch (IOException e) {
      throw new ConfigException(setting + " names " + file + ", which cannot be read: " + e.getMessage());
    }
  }

  /** Whether the two keys belong together (signs and verifies a probe). */
  public static boolean pairs(PrivateKey privateKey, PublicKey publicKey) {
    byte[] probe = "pulse key pair probe".getBytes(StandardCharsets.US_ASCII);
    try {
      java.security.Signature signer = java.security.Signature.getInstance(ALGORITHM);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance(ALGORITHM);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** {@code key} as the signing library takes it. */
  static Ed25519PrivateKeyParameters signing(PrivateKey key) {
    try {
      if (PrivateKeyFactory.createKey(key.getEncoded()) instanceof Ed25519PrivateKeyParameters ed25519) {
        return ed25519;
      }
    } catch (IOException | RuntimeException e) {
      // reported below
    }
    throw new IllegalArgumentException("an Ed25519 private key is required");
  }

  /** {@code key} as the verifying library takes it. */
  static Ed25519PublicKeyParameters verifying(PublicKey key) {
    try {
      if (PublicKeyFactory.createKey(key.getEncoded()) instanceof Ed25519PublicKeyParameters ed25519) {
        return ed25519;
      }
    } catch (IOException | RuntimeException e) {
      // reported below
    }
    throw new IllegalArgumentException("an Ed25519 public key is required");
  }

  /** A short public fingerprint for logs: the first 16 hex digits of the public key's SHA-256. */
  public static String fingerprint(PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static List<byte[]> der(String text, String label, String setting) {
    List<byte[]> out = new ArrayList<>();
    String rest = text == null ? "" : text;
    Matcher blocks = PEM.matcher(rest);
    boolean pem = false;
    while (blocks.find()) {
      pem = true;
      if (!blocks.group(1).equals(label)) {
        throw new ConfigException(setting + " holds a " + blocks.group(1) + " where a " + label + " belongs");
      }
      out.add(decode(blocks.group(2).replaceAll("\\s", ""), setting));
    }
    if (pem) {
      return out;
    }
    if (rest.contains("-----")) {
      throw new ConfigException(setting + " holds a PEM block that is not complete");
    }
    for (String part : rest.split("[,\\s]+")) {
      if (!part.isEmpty()) {
        out.add(decode(part, setting));
      }
    }
    return out;
  }

  private static byte[] decode(String base64, String setting) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting + " is not valid base64");
    }
  }
}
