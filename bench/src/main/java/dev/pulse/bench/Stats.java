package dev.pulse.bench;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Collection;

/** Order statistics of a sample of durations in milliseconds (nearest-rank percentiles). */
record Stats(int count, double min, double p50, double p95, double p99, double max, double mean) {

  static final Stats EMPTY = new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  static Stats of(Collection<Double> sample) {
    return of(sample.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static Stats of(double[] sample) {
    if (sample.length == 0) {
      return EMPTY;
    }
    double[] sorted = sample.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (double value : sorted) {
      sum += value;
    }
    return new Stats(sorted.length, sorted[0], rank(sorted, 50), rank(sorted, 95), rank(sorted, 99),
        sorted[sorted.length - 1], sum / sorted.length);
  }

  /** The nearest-rank percentile {@code p} of an ascending array. */
  static double rank(double[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  JsonObject toJson() {
    return new JsonObject().put("count", count).put("min_ms", round(min)).put("p50_ms", round(p50))
        .put("p95_ms", round(p95)).put("p99_ms", round(p99)).put("max_ms", round(max)).put("mean_ms", round(mean));
  }

  /** Three decimals; NaN (no sample) becomes null in JSON. */
  static Double round(double value) {
    return Double.isNaN(value) || Double.isInfinite(value) ? null : Math.round(value * 1000) / 1000.0;
  }
}
