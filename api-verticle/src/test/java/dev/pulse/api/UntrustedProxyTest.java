package dev.pulse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UntrustedProxyTest {

  @Test
  void ssoHeadersFromAnUntrustedPeerAreIgnored() {
    Vertx vertx = Vertx.vertx();
    try {
      DbConfig db = TestDatabase.server();
      JsonObject config = new JsonObject().mergeIn(db.toConfig()).put("PORT", 0)
          .put("TRUSTED_PROXIES", "10.9.0.0/16");
      ApiVerticle api = new ApiVerticle();
      vertx.deployVerticle(api, new DeploymentOptions().setConfig(config)).await();
      try (Http http = new Http(api.actualPort())) {
        Http.Response response = http.get("/api/user", Map.of("Remote-User", "root", "Remote-Groups", "admin"));
        assertEquals(401, response.status(), response.body());
      }
    } finally {
      vertx.close().await();
    }
  }
}
