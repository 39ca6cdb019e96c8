package dev.pulse.contracts.signing;

import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Grants: a server node's word, carried in a bus message's {@link #HEADER} header, that a user
 * with a role asked for this change. The API node grants what its route allowed the signed-in
 * user to do; the engine and registry act on a change only with a valid grant whose role the
 * address permits. A process that merely joined the bus cannot make one.
 *
 * <p>A grant is an HMAC-SHA256 over {@link Canonical#grant} (address, actor, role, time and the
 * whole body) keyed by a digest of the dispatch private key, which every server node holds and
 * workers never do. HMAC rather than Ed25519 because only server nodes ever check a grant, and
 * it costs microseconds instead of a millisecond on the event loop.
 */
public final class BusGrants {

  /** The message header that carries the grant. */
  public static final String HEADER = "pulse-grant";
  /** How old a grant may be; server clocks are expected to agree within this. */
  public static final long MAX_AGE_MS = 60_000;

  /** Who asked, and as what. */
  public record Claim(String actor, String role) {
  }

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final LongSupplier clock;

  private BusGrants(byte[] key, LongSupplier clock) {
    this.key = new SecretKeySpec(key, ALGORITHM);
    this.clock = clock;
  }

  /** Grants keyed from the dispatch private key (the same on every server node). */
  public static BusGrants fromDispatchKey(PrivateKey dispatchKey) {
    return fromDispatchKey(dispatchKey, System::currentTimeMillis);
  }

  /** As {@link #fromDispatchKey(PrivateKey)} with its own clock (tests make stale grants with it). */
  public static BusGrants fromDispatchKey(PrivateKey dispatchKey, LongSupplier clock) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(Canonical.GRANT_DOMAIN.getBytes(StandardCharsets.UTF_8));
      digest.update(dispatchKey.getEncoded());
      return new BusGrants(digest.digest(), clock);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The header value granting {@code actor} as {@code role} this request to {@code address}. */
  public String grant(String address, String actor, String role, JsonObject body) {
    long issuedAt = clock.getAsLong();
    return new JsonObject().put("actor", actor).put("role", role).put("issued_at", issuedAt)
        .put("mac", mac(address, actor, role, issuedAt, body)).encode();
  }

  /**
   * Checks a request's grant.
   *
   * @param header the {@link #HEADER} value, or null
   * @param allowed the roles the address accepts
   * @return who asked
   * @throws PulseException 401 without a valid, fresh grant; 403 when its role is not allowed
   */
  public Claim check(String address, String header, JsonObject body, Set<String> allowed) {
    if (header == null) {
      throw unauthorized("the request carries no grant");
    }
    JsonObject grant;
    try {
      grant = new JsonObject(header);
    } catch (DecodeException e) {
      throw unauthorized("its grant is not readable");
    }
    if (!(grant.getValue("actor") instanceof String actor) || !(grant.getValue("role") instanceof String role)
        || !(grant.getValue("issued_at") instanceof Number issued) || !(grant.getValue("mac") instanceof String mac)) {
      throw unauthorized("its grant lacks actor, role, issued_at or mac");
    }
    byte[] expected = Base64.getDecoder().decode(mac(address, actor, role, issued.longValue(), body));
    byte[] given;
    try {
      given = Base64.getDecoder().decode(mac);
    } catch (IllegalArgumentException e) {
      throw unauthorized("its grant is not valid");
    }
    if (!MessageDigest.isEqual(expected, given)) {
      throw unauthorized("its grant is not valid for this request");
    }
    long age = clock.getAsLong() - issued.longValue();
    if (age > MAX_AGE_MS || age < -MAX_AGE_MS) {
      throw unauthorized("its grant is " + Math.abs(age) / 1000 + " s off the clock (the limit is "
          + MAX_AGE_MS / 1000 + " s; check the server clocks)");
    }
    if (!allowed.contains(role)) {
      throw new PulseException(ErrorCodes.FORBIDDEN, "Role '" + role + "' of '" + actor + "' may not " + address);
    }
    return new Claim(actor, role);
  }

  private String mac(String address, String actor, String role, long issuedAt, JsonObject body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return Base64.getEncoder().encodeToString(mac.doFinal(Canonical.grant(address, actor, role, issuedAt, body)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 failed", e);
    }
  }

  private static PulseException unauthorized(String why) {
    return new PulseException(ErrorCodes.UNAUTHORIZED, "Refused: " + why);
  }

  @Override
  public String toString() {
    return "BusGrants[HMAC-SHA256]";
  }
}
