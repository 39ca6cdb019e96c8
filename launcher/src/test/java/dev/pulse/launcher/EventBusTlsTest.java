package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Event-bus traffic between nodes with mutual TLS: certified nodes talk, others are not answered. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventBusTlsTest {

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: "
          + Files.readString(dir.resolve("openssl.log")));
    }
  }

  /** A CA and one node certificate for 127.0.0.1 (serverAuth and clientAuth), PKCS#8 key. */
  static Path certificates(Path dir) throws Exception {
    Files.createDirectories(dir);
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=pulse-test-ca");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node-key.pem", "-out", "node.csr",
        "-subj", "/CN=pulse-node");
    Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        + "extendedKeyUsage=serverAuth,clientAuth\n");
    openssl(dir, "x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
        "-out", "node.pem", "-days", "2", "-extfile", "ext.cnf");
    return dir;
  }

  @Test
  void nodesWithClusterCertificatesTalkAndANodeWithoutIsNotAnswered() throws Exception {
    DbConfig db = TestDatabase.fresh();
    String cluster = "pulse-tls-" + UUID.randomUUID();
    Path certs = certificates(TestDatabase.dataDir().resolve(cluster));
    JsonObject tls = new JsonObject().put("EVENTBUS_TLS", "true")
        .put("EVENTBUS_CA_FILE", certs.resolve("ca.pem").toString())
        .put("EVENTBUS_CERT_FILE", certs.resolve("node.pem").toString())
        .put("EVENTBUS_KEY_FILE", certs.resolve("node-key.pem").toString());
    Launched backend = ServerMode.start(TwoNodeClusterTest.serverSettings(db, cluster).mergeIn(tls),
        Set.of("engine", "registry"));
    Launched api = null;
    Vertx outsider = null;
    try {
      api = ServerMode.start(TwoNodeClusterTest.serverSettings(db, cluster).mergeIn(tls), Set.of("api"));
      try (Http http = new Http(api.httpPort())) {
        Await.until(Duration.ofSeconds(30), "engine and registry reached over TLS", () ->
            http.get("/health").status() == 200 ? Boolean.TRUE : null);
      }
      // Joins Hazelcast (membership has no authentication) but speaks plain TCP on the bus.
      outsider = ClusterFactory.join(new ConfigReader(TwoNodeClusterTest.serverSettings(db, cluster)), true);
      RegistryClient registry = new RegistryClient(outsider.eventBus(), 3000);
      PulseException refused = assertThrows(PulseException.class, () -> registry.ping().await());
      assertEquals(503, refused.status());
      assertEquals("The registry did not answer in time; try again shortly", refused.getMessage(),
          "the registry is there (its subscription is in the cluster) but refuses the plain connection");
    } finally {
      if (outsider != null) {
        outsider.close().await();
      }
      if (api != null) {
        api.close();
      }
      backend.close();
    }
  }
}
