package dev.pulse.contracts.signing;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.WorkflowDispatch;
import io.vertx.core.json.JsonObject;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.function.LongSupplier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signs what server nodes send to workers: every {@link CommandDispatch} and every control
 * message that changes something on the worker. Used by the engine and the registry (through a
 * signing {@link dev.pulse.contracts.WorkerClient}); thread-safe. Its {@code toString} never
 * shows the key.
 */
public final class DispatchSigner {

  /** The field of a control message that carries its signature (base64). */
  public static final String SIGNATURE = "signature";
  /** The field of a control message that carries its signing time (epoch milliseconds). */
  public static final String ISSUED_AT = "issued_at";
  /** The field of a control message that names the worker it is for. */
  public static final String WORKER_ID = "worker_id";

  private final PrivateKey key;
  private final Ed25519PrivateKeyParameters signing;
  private final Ed25519PublicKeyParameters publicKey;
  private final LongSupplier clock;

  /** A signer using the wall clock. */
  public DispatchSigner(PrivateKey key) {
    this(key, System::currentTimeMillis);
  }

  /**
   * A signer with its own clock (tests use one in the past to make stale dispatches).
   *
   * @param clock epoch milliseconds
   */
  public DispatchSigner(PrivateKey key, LongSupplier clock) {
    if (key == null) {
      throw new IllegalArgumentException("an Ed25519 private key is required");
    }
    this.key = key;
    // refuses any other kind of key, with the same message
    this.signing = DispatchKeys.signing(key);
    this.publicKey = signing.generatePublicKey();
    this.clock = clock;
  }

  /** The dispatch with {@code issued_at} set to now and its signature over {@link Canonical#dispatch}. */
  public CommandDispatch sign(CommandDispatch dispatch) {
    CommandDispatch stamped = dispatch.withSignature(clock.getAsLong(), null);
    return stamped.withSignature(stamped.issuedAt(), signature(Canonical.dispatch(stamped)));
  }

  /** The workflow with {@code issued_at} set to now and its signature over {@link Canonical#workflow}. */
  public WorkflowDispatch sign(WorkflowDispatch dispatch) {
    WorkflowDispatch stamped = dispatch.withSignature(clock.getAsLong(), null);
    return stamped.withSignature(stamped.issuedAt(), signature(Canonical.workflow(stamped)));
  }

  /**
   * A signed copy of a control message for one worker: {@code worker_id}, {@code issued_at} and
   * {@code signature} are added; the signature covers every field ({@link Canonical#control}).
   */
  public JsonObject signControl(String workerId, JsonObject message) {
    JsonObject signed = message.copy().put(WORKER_ID, workerId).put(ISSUED_AT, clock.getAsLong());
    signed.remove(SIGNATURE);
    return signed.put(SIGNATURE, signature(Canonical.control(signed)));
  }

  /** Bus grants keyed from this signer's private key ({@link BusGrants#fromDispatchKey}). */
  public BusGrants grants() {
    return BusGrants.fromDispatchKey(key);
  }

  private String signature(byte[] bytes) {
    byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
    signing.sign(Ed25519.Algorithm.Ed25519, publicKey, null, bytes, 0, bytes.length, signature, 0);
    return Base64.getEncoder().encodeToString(signature);
  }

  @Override
  public String toString() {
    return "DispatchSigner[Ed25519]";
  }
}
