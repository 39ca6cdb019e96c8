package dev.pulse.contracts.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Signatures cover every field of a dispatch and of a control message, and only fresh ones for this worker pass. */
class DispatchSigningTest {

  private static final KeyPair PAIR = DispatchKeys.generate();
  private static final long NOW = 1_700_000_000_000L;

  private final DispatchSigner signer = new DispatchSigner(PAIR.getPrivate(), () -> NOW);
  private final DispatchVerifier verifier = new DispatchVerifier(List.of(PAIR.getPublic()), 600_000, () -> NOW);

  private static CommandDispatch dispatch() {
    return new CommandDispatch("c-1", "e-1", 2, "w-1", "echo hi", 5000, "/tmp",
        new JsonObject().put("B", "2").put("A", "1"), Addresses.ENGINE_RESULTS);
  }

  /** The signed dispatch as the worker reads it off the bus (JSON text and back). */
  private static CommandDispatch overTheBus(CommandDispatch signed, UnaryOperator<JsonObject> change) {
    return CommandDispatch.fromJson(change.apply(new JsonObject(signed.toJson().encode())));
  }

  @Test
  void signedDispatchVerifiesAfterCrossingTheBus() {
    CommandDispatch signed = signer.sign(dispatch());
    assertEquals(NOW, signed.issuedAt());
    assertNotNull(signed.signature());
    assertEquals(Optional.empty(), verifier.check(overTheBus(signed, json -> json), "w-1"));
  }

  @Test
  void signaturesAreStandardEd25519BothWays() throws Exception {
    CommandDispatch signed = signer.sign(dispatch());
    java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
    jdk.initVerify(PAIR.getPublic());
    jdk.update(Canonical.dispatch(signed));
    assertTrue(jdk.verify(java.util.Base64.getDecoder().decode(signed.signature())), "the JDK verifies PULSE's");

    CommandDispatch stamped = dispatch().withSignature(NOW, null);
    jdk.initSign(PAIR.getPrivate());
    jdk.update(Canonical.dispatch(stamped));
    CommandDispatch byJdk = stamped.withSignature(NOW, java.util.Base64.getEncoder().encodeToString(jdk.sign()));
    assertEquals(Optional.empty(), verifier.check(byJdk, "w-1"), "PULSE verifies the JDK's");
    assertEquals(Optional.of(DispatchVerifier.INVALID), verifier.check(byJdk.withSignature(NOW,
        java.util.Base64.getEncoder().encodeToString(new byte[12])), "w-1"), "a short signature is invalid");
  }

  @Test
  void envKeyOrderDoesNotMatterButItsContentDoes() {
    CommandDispatch signed = signer.sign(dispatch());
    assertEquals(Optional.empty(), verifier.check(overTheBus(signed,
        json -> json.put("env", new JsonObject().put("A", "1").put("B", "2"))), "w-1"));
    assertEquals(Optional.of(DispatchVerifier.INVALID), verifier.check(overTheBus(signed,
        json -> json.put("env", new JsonObject().put("A", "1").put("B", "2").put("LD_PRELOAD", "/x.so"))), "w-1"));
  }

  @Test
  void changingAnySignedFieldInvalidatesTheSignature() {
    CommandDispatch signed = signer.sign(dispatch());
    List<UnaryOperator<JsonObject>> tamperings = List.of(
        json -> json.put("command_id", "c-2"),
        json -> json.put("execution_id", "e-2"),
        json -> json.put("step_index", 3),
        json -> json.put("command", "rm -rf /"),
        json -> json.put("timeout", 5001),
        json -> json.put("cwd", "/"),
        json -> json.putNull("env"),
        json -> json.put("reply_to", Addresses.REGISTRY_RESULTS),
        json -> json.put("issued_at", NOW + 1),
        json -> json.put("signature", signer.sign(new CommandDispatch("x", null, -1, "w-1", "id", 1, null, null,
            Addresses.ENGINE_RESULTS)).signature()));
    for (UnaryOperator<JsonObject> tamper : tamperings) {
      assertEquals(Optional.of(DispatchVerifier.INVALID), verifier.check(overTheBus(signed, tamper), "w-1"),
          tamper.apply(signed.toJson()).encode());
    }
  }

  @Test
  void workerIdIsSignedSoARedirectedDispatchIsRefused() {
    CommandDispatch signed = signer.sign(dispatch());
    assertEquals(Optional.of(DispatchVerifier.INVALID),
        verifier.check(overTheBus(signed, json -> json.put("worker_id", "w-2")), "w-2"));
    assertEquals("refused: dispatch is for worker w-1, not w-2", verifier.check(signed, "w-2").orElseThrow());
  }

  @Test
  void unsignedAndForeignKeyDispatchesAreRefused() {
    assertEquals("refused: unsigned dispatch", verifier.check(dispatch(), "w-1").orElseThrow());
    CommandDispatch foreign = new DispatchSigner(DispatchKeys.generate().getPrivate(), () -> NOW).sign(dispatch());
    assertEquals(DispatchVerifier.INVALID, verifier.check(foreign, "w-1").orElseThrow());
    assertEquals(DispatchVerifier.INVALID, verifier.check(overTheBus(signer.sign(dispatch()),
        json -> json.put("signature", "not base64!")), "w-1").orElseThrow());
  }

  @Test
  void anyOfSeveralTrustedKeysVerifies() {
    KeyPair next = DispatchKeys.generate();
    DispatchVerifier both = new DispatchVerifier(List.of(next.getPublic(), PAIR.getPublic()), 600_000, () -> NOW);
    assertEquals(Optional.empty(), both.check(signer.sign(dispatch()), "w-1"));
    assertEquals(Optional.empty(), both.check(new DispatchSigner(next.getPrivate(), () -> NOW).sign(dispatch()), "w-1"));
  }

  @Test
  void staleAndFarFutureDispatchesAreRefused() {
    CommandDispatch old = new DispatchSigner(PAIR.getPrivate(), () -> NOW - 600_001).sign(dispatch());
    assertTrue(verifier.check(old, "w-1").orElseThrow().startsWith("refused: dispatch expired"));
    CommandDispatch edge = new DispatchSigner(PAIR.getPrivate(), () -> NOW - 600_000).sign(dispatch());
    assertEquals(Optional.empty(), verifier.check(edge, "w-1"));
    CommandDispatch skewed = new DispatchSigner(PAIR.getPrivate(), () -> NOW + 30_000).sign(dispatch());
    assertEquals(Optional.empty(), verifier.check(skewed, "w-1"), "a clock slightly ahead is tolerated");
    CommandDispatch future = new DispatchSigner(PAIR.getPrivate(), () -> NOW + 120_000).sign(dispatch());
    assertTrue(verifier.check(future, "w-1").orElseThrow().contains("in the future"));
  }

  @Test
  void controlMessagesAreSignedForOneWorkerAndCannotPassForADispatch() {
    JsonObject signed = signer.signControl("w-1", new JsonObject().put("type", "drain"));
    assertEquals("w-1", signed.getString("worker_id"));
    JsonObject received = new JsonObject(signed.encode());
    assertEquals(Optional.empty(), verifier.checkControl(received, "w-1"));
    assertTrue(verifier.checkControl(received, "w-2").orElseThrow().contains("for worker w-1, not w-2"));
    assertEquals(Optional.of(DispatchVerifier.INVALID),
        verifier.checkControl(received.copy().put("type", "cancel"), "w-1"));
    assertEquals(Optional.of(DispatchVerifier.INVALID),
        verifier.checkControl(received.copy().put("extra", true), "w-1"));
    assertEquals("refused: unsigned control message",
        verifier.checkControl(new JsonObject().put("type", "drain").put("worker_id", "w-1"), "w-1").orElseThrow());
    assertFalse(java.util.Arrays.equals(Canonical.control(received), Canonical.dispatch(dispatch())));
  }

  @Test
  void keysRoundTripThroughPemAndBase64AndMismatchedPairsAreDetected() {
    assertEquals(PAIR.getPublic(), DispatchKeys.publicKeys(DispatchKeys.pem(PAIR.getPublic()), "K").get(0));
    assertEquals(PAIR.getPublic(), DispatchKeys.publicKeys(DispatchKeys.base64(PAIR.getPublic()), "K").get(0));
    assertEquals(PAIR.getPrivate(), DispatchKeys.privateKey(DispatchKeys.pem(PAIR.getPrivate()), "K"));
    KeyPair other = DispatchKeys.generate();
    assertEquals(2, DispatchKeys.publicKeys(DispatchKeys.base64(PAIR.getPublic()) + ", "
        + DispatchKeys.base64(other.getPublic()), "K").size());
    assertTrue(DispatchKeys.pairs(PAIR.getPrivate(), PAIR.getPublic()));
    assertFalse(DispatchKeys.pairs(PAIR.getPrivate(), other.getPublic()));
    assertEquals(16, DispatchKeys.fingerprint(PAIR.getPublic()).length());
  }

  @Test
  void badKeyTextNamesTheSettingAndNeverEchoesTheKey() {
    String secret = DispatchKeys.base64(PAIR.getPrivate());
    Exception wrongKind = org.junit.jupiter.api.Assertions.assertThrows(dev.pulse.contracts.ConfigException.class,
        () -> DispatchKeys.publicKeys(secret, "DISPATCH_PUBLIC_KEY"));
    assertTrue(wrongKind.getMessage().startsWith("DISPATCH_PUBLIC_KEY"), wrongKind.getMessage());
    assertFalse(wrongKind.getMessage().contains(secret));
    Exception notBase64 = org.junit.jupiter.api.Assertions.assertThrows(dev.pulse.contracts.ConfigException.class,
        () -> DispatchKeys.privateKey("%%%", "DISPATCH_PRIVATE_KEY"));
    assertTrue(notBase64.getMessage().startsWith("DISPATCH_PRIVATE_KEY"), notBase64.getMessage());
  }

  @Test
  void rotationProofNeedsTheOldKey() {
    String oldKey = WorkerKeyProof.newKey();
    String newKey = WorkerKeyProof.newKey();
    String nonce = WorkerKeyProof.nonce();
    String newHash = WorkerKeyProof.hash(newKey);
    String proof = WorkerKeyProof.proof(oldKey, nonce, newHash);
    assertTrue(WorkerKeyProof.matches(WorkerKeyProof.hash(oldKey), nonce, newHash, proof));
    assertFalse(WorkerKeyProof.matches(WorkerKeyProof.hash(oldKey), WorkerKeyProof.nonce(), newHash, proof));
    assertFalse(WorkerKeyProof.matches(WorkerKeyProof.hash(oldKey), nonce, WorkerKeyProof.hash("other"), proof));
    assertFalse(WorkerKeyProof.matches(WorkerKeyProof.hash(oldKey), nonce, newHash,
        WorkerKeyProof.proof("guess", nonce, newHash)));
    assertFalse(WorkerKeyProof.matches(null, nonce, newHash, proof));
  }
}
