package dev.pulse.registry.workers;

/**
 * What the heartbeat flushes have done since start.
 *
 * @param flushes successful flushes
 * @param rows worker rows written
 * @param maxRows most rows in one flush
 * @param maxMillis slowest flush
 * @param totalMillis time spent flushing
 * @param failures flushes that failed and were retried
 */
public record FlushStats(long flushes, long rows, int maxRows, long maxMillis, long totalMillis, long failures) {
}
