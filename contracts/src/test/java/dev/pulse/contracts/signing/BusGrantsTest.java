package dev.pulse.contracts.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusPolicy;
import dev.pulse.contracts.PulseException;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A grant holds only for the address, body, role and time it was made for, and only from a server key. */
class BusGrantsTest {

  private static final KeyPair SERVER = DispatchKeys.generate();
  private static final Set<String> ADMINS = Set.of(BusPolicy.ADMIN);
  private final BusGrants grants = BusGrants.fromDispatchKey(SERVER.getPrivate());
  private final JsonObject body = new JsonObject().put("id", "wf-1").put("n", 3).put("nested", new JsonObject()
      .put("b", 1.5).put("a", true));

  private PulseException refused(String address, String header, JsonObject body, Set<String> roles) {
    return assertThrows(PulseException.class, () -> grants.check(address, header, body, roles));
  }

  @Test
  void aGrantForTheRequestPassesAndNamesTheActor() {
    String header = grants.grant(Addresses.ENGINE_WORKFLOW_DELETE, "ada", BusPolicy.ADMIN, body);
    BusGrants.Claim claim = grants.check(Addresses.ENGINE_WORKFLOW_DELETE, header,
        new JsonObject(body.encode()), ADMINS);
    assertEquals(new BusGrants.Claim("ada", BusPolicy.ADMIN), claim);
  }

  @Test
  void noGrantOrAnUnreadableOneIs401() {
    assertEquals(401, refused(Addresses.ENGINE_WORKFLOW_DELETE, null, body, ADMINS).status());
    assertEquals(401, refused(Addresses.ENGINE_WORKFLOW_DELETE, "not json", body, ADMINS).status());
    assertEquals(401, refused(Addresses.ENGINE_WORKFLOW_DELETE, "{\"actor\":\"ada\"}", body, ADMINS).status());
  }

  @Test
  void aGrantDoesNotCoverAnotherBodyAddressOrRole() {
    String header = grants.grant(Addresses.ENGINE_WORKFLOW_DELETE, "ada", BusPolicy.ADMIN, body);
    assertEquals(401, refused(Addresses.ENGINE_WORKFLOW_DELETE, header, body.copy().put("id", "wf-2"), ADMINS)
        .status());
    assertEquals(401, refused(Addresses.REGISTRY_DELETE, header, body, ADMINS).status());
    String forgedRole = new JsonObject(header).put("role", "superuser").encode();
    assertEquals(401, refused(Addresses.ENGINE_WORKFLOW_DELETE, forgedRole, body, Set.of("superuser")).status());
  }

  @Test
  void aGrantFromAnotherKeyIs401() {
    String header = BusGrants.fromDispatchKey(DispatchKeys.generate().getPrivate())
        .grant(Addresses.ENGINE_WORKFLOW_DELETE, "ada", BusPolicy.ADMIN, body);
    PulseException refused = refused(Addresses.ENGINE_WORKFLOW_DELETE, header, body, ADMINS);
    assertEquals(401, refused.status());
    assertEquals("Refused: its grant is not valid for this request", refused.getMessage());
  }

  @Test
  void anEmployeeGrantForAnAdminAddressIs403() {
    String header = grants.grant(Addresses.ENGINE_WORKFLOW_DELETE, "eve", BusPolicy.EMPLOYEE, body);
    PulseException refused = refused(Addresses.ENGINE_WORKFLOW_DELETE, header, body, ADMINS);
    assertEquals(403, refused.status());
    assertTrue(refused.getMessage().contains("'employee' of 'eve'"), refused.getMessage());
  }

  @Test
  void aStaleGrantIs401() {
    BusGrants past = BusGrants.fromDispatchKey(SERVER.getPrivate(), () -> System.currentTimeMillis() - 120_000);
    String header = past.grant(Addresses.ENGINE_WORKFLOW_DELETE, "ada", BusPolicy.ADMIN, body);
    PulseException refused = refused(Addresses.ENGINE_WORKFLOW_DELETE, header, body, ADMINS);
    assertEquals(401, refused.status());
    assertTrue(refused.getMessage().contains("off the clock"), refused.getMessage());
  }
}
