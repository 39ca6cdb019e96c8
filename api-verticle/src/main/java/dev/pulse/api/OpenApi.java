package dev.pulse.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The OpenAPI 3 document of the REST API, kept beside the code in {@code pulse/openapi.json}. */
final class OpenApi {

  private OpenApi() {
  }

  static String document() {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream("pulse/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("pulse/openapi.json is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
