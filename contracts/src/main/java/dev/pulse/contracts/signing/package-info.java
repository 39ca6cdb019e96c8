/**
 * Signed dispatch: how the server proves to a worker that a command (or a control message) comes
 * from PULSE and not from some other process on the event bus.
 *
 * <p>Server nodes (engine and registry) hold one Ed25519 key pair, the same on every server node
 * (the launcher creates it in {@code DATA_DIR/secrets/} on first start; copy both files to the
 * other server nodes). {@link dev.pulse.contracts.signing.DispatchSigner} signs the
 * {@link dev.pulse.contracts.signing.Canonical canonical encoding} of every
 * {@link dev.pulse.contracts.CommandDispatch} and of every state-changing control message. Workers
 * hold only the public key, from their own configuration (never from the bus), and
 * {@link dev.pulse.contracts.signing.DispatchVerifier} refuses anything unsigned, altered, meant
 * for another worker, or older than the freshness window. Per-worker key rotation proves
 * possession of the old key without sending any key over the bus
 * ({@link dev.pulse.contracts.signing.WorkerKeyProof}).
 */
package dev.pulse.contracts.signing;
