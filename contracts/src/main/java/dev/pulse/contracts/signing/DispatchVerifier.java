package dev.pulse.contracts.signing;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.WorkflowDispatch;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A worker's check of what arrives on its addresses, with the public key(s) from the worker's
 * own configuration. A dispatch or control message passes only when it is signed by one of
 * those keys over exactly its fields, names this worker, and was issued within the freshness
 * window ({@code DISPATCH_MAX_AGE_MS}; up to {@link #FUTURE_TOLERANCE_MS} ahead of this host's
 * clock is tolerated). Repeats inside the window are the worker's to refuse (by command id).
 * Thread-safe.
 */
public final class DispatchVerifier {

  /** Default freshness window: ten minutes. */
  public static final long DEFAULT_MAX_AGE_MS = 600_000;
  /** How far in the future {@code issued_at} may be, for clocks a little apart. */
  public static final long FUTURE_TOLERANCE_MS = 60_000;

  /** Refusal reason of a message without signature or issued_at. */
  public static final String UNSIGNED = "refused: unsigned";
  /** Refusal reason of a signature that does not verify (altered, or another key). */
  public static final String INVALID = "refused: invalid signature";

  private final List<Ed25519PublicKeyParameters> trusted;
  private final long maxAgeMs;
  private final LongSupplier clock;

  /**
   * A verifier.
   *
   * @param trusted the public keys whose signatures are accepted (at least one)
   * @param maxAgeMs how old a signed message may be
   * @param clock epoch milliseconds
   */
  public DispatchVerifier(List<PublicKey> trusted, long maxAgeMs, LongSupplier clock) {
    if (trusted == null || trusted.isEmpty()) {
      throw new IllegalArgumentException("at least one trusted public key is required");
    }
    this.trusted = trusted.stream().map(DispatchKeys::verifying).toList();
    this.maxAgeMs = maxAgeMs;
    this.clock = clock;
  }

  /** A verifier on the wall clock. */
  public DispatchVerifier(List<PublicKey> trusted, long maxAgeMs) {
    this(trusted, maxAgeMs, System::currentTimeMillis);
  }

  /**
   * Checks a dispatch for worker {@code workerId}.
   *
   * @return empty when it may run, else why not (starting with {@code "refused: "})
   */
  public Optional<String> check(CommandDispatch dispatch, String workerId) {
    if (dispatch.signature() == null || dispatch.issuedAt() <= 0) {
      return Optional.of(UNSIGNED + " dispatch");
    }
    if (!verifies(Canonical.dispatch(dispatch), dispatch.signature())) {
      return Optional.of(INVALID);
    }
    return addressedAndFresh(dispatch.workerId(), dispatch.issuedAt(), workerId, "dispatch");
  }

  /**
   * Checks a local workflow for worker {@code workerId}.
   *
   * @return empty when it may run, else why not (starting with {@code "refused: "})
   */
  public Optional<String> check(WorkflowDispatch dispatch, String workerId) {
    if (dispatch.signature() == null || dispatch.issuedAt() <= 0) {
      return Optional.of(UNSIGNED + " workflow");
    }
    if (!verifies(Canonical.workflow(dispatch), dispatch.signature())) {
      return Optional.of(INVALID);
    }
    return addressedAndFresh(dispatch.workerId(), dispatch.issuedAt(), workerId, "workflow");
  }

  /**
   * Checks a control message for worker {@code workerId}.
   *
   * @return empty when it may be acted on, else why not (starting with {@code "refused: "})
   */
  public Optional<String> checkControl(JsonObject message, String workerId) {
    Object signature = message.getValue(DispatchSigner.SIGNATURE);
    Object issuedAt = message.getValue(DispatchSigner.ISSUED_AT);
    if (!(signature instanceof String signed) || !(issuedAt instanceof Number issued) || issued.longValue() <= 0) {
      return Optional.of(UNSIGNED + " control message");
    }
    if (!verifies(Canonical.control(message), signed)) {
      return Optional.of(INVALID);
    }
    Object target = message.getValue(DispatchSigner.WORKER_ID);
    return addressedAndFresh(target instanceof String text ? text : null, issued.longValue(), workerId,
        "control message");
  }

  private Optional<String> addressedAndFresh(String target, long issuedAt, String workerId, String what) {
    if (target == null || !target.equals(workerId)) {
      return Optional.of("refused: " + what + " is for worker " + target + ", not " + workerId);
    }
    long age = clock.getAsLong() - issuedAt;
    if (age > maxAgeMs) {
      return Optional.of("refused: " + what + " expired (issued " + age / 1000 + " s ago, the limit is "
          + maxAgeMs / 1000 + " s; check the clocks of server and worker)");
    }
    if (age < -FUTURE_TOLERANCE_MS) {
      return Optional.of("refused: " + what + " issued " + -age / 1000 + " s in the future; check the clocks of"
          + " server and worker");
    }
    return Optional.empty();
  }

  private boolean verifies(byte[] bytes, String base64) {
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
      return false;
    }
    for (Ed25519PublicKeyParameters key : trusted) {
      if (key.verify(Ed25519.Algorithm.Ed25519, null, bytes, 0, bytes.length, signature, 0)) {
        return true;
      }
    }
    return false;
  }

  /** How many keys are trusted (for the start-up log). */
  public int trustedCount() {
    return trusted.size();
  }
}
