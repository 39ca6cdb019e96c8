package dev.pulse.launcher;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.VertxOptions;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * Metrics for every PULSE process: one Prometheus registry per JVM holding Vert.x's own meters
 * (HTTP, event bus, pools), the JVM's, and PULSE's (registered by the verticles through
 * Micrometer's global registry, to which this one is added). The API serves it at
 * {@code /metrics}.
 */
final class Observability {

  private static PrometheusMeterRegistry registry;

  private Observability() {
  }

  /** A Vert.x builder with metrics on, over the given options. */
  static VertxBuilder builder(VertxOptions options) {
    return builder(options, null, 0);
  }

  /**
   * A Vert.x builder with metrics on; with a port, the node also serves them itself at
   * {@code http://host:port/metrics} (METRICS_PORT), for nodes that run no API verticle.
   */
  static VertxBuilder builder(VertxOptions options, String host, int port) {
    // Histogram buckets for HTTP response times, so dashboards can draw percentiles.
    VertxPrometheusOptions prometheus = new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true);
    if (port > 0) {
      prometheus.setStartEmbeddedServer(true).setEmbeddedServerEndpoint("/metrics")
          .setEmbeddedServerOptions(new HttpServerOptions().setHost(host).setPort(port));
    }
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setPrometheusOptions(prometheus));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry()));
  }

  private static synchronized PrometheusMeterRegistry registry() {
    if (registry == null) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Metrics.addRegistry(registry);
    }
    return registry;
  }
}
