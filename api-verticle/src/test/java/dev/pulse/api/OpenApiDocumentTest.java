package dev.pulse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The served OpenAPI document describes exactly the routes the router has. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenApiDocumentTest {

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true).setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)))).build();
    try {
      JsonObject config = new JsonObject().mergeIn(TestDatabase.server().toConfig()).put("PORT", 0);
      ApiVerticle api = new ApiVerticle();
      vertx.deployVerticle(api, new DeploymentOptions().setConfig(config)).await();
      JsonObject document;
      try (Http http = new Http(api.actualPort())) {
        Http.Response response = http.get("/api/openapi.json");
        assertEquals(200, response.status());
        document = response.json();
      }
      Set<String> routed = new TreeSet<>();
      for (Route route : api.router().getRoutes()) {
        if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
          continue;  // catch-alls: body handling, auth, static files, the bridge
        }
        for (HttpMethod method : route.methods()) {
          routed.add(method.name().toLowerCase() + " " + route.getPath().replaceAll(":([a-z_]+)", "{$1}"));
        }
      }
      Set<String> documented = new TreeSet<>();
      JsonObject paths = document.getJsonObject("paths");
      for (String path : paths.fieldNames()) {
        for (String method : paths.getJsonObject(path).fieldNames()) {
          documented.add(method + " " + path);
        }
      }
      assertEquals(documented, routed);
    } finally {
      vertx.close().await();
    }
  }
}
