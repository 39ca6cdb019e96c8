package dev.pulse.bench;

import java.util.List;

/**
 * How long and how often each scenario runs: {@code full} (about 10 minutes) or {@code quick}
 * (about 3 minutes, for trying the harness; its figures are rougher).
 *
 * @param preheatMs untimed load before the scenarios (JIT warm-up)
 * @param fanOutSizes S1's N
 * @param fanOutRuns S1 timed runs per N (each paired with a raw burst of N spawns)
 * @param fanOutWarmup S1 untimed runs per N first
 * @param concurrency S2 executions in flight (and threads of the raw spawn rate)
 * @param warmupMs S2 untimed load first
 * @param peakMs S2 closed-loop window
 * @param halfMs S2 open-loop window at half the peak rate
 * @param rawRateMs how long the raw spawn rate is measured
 * @param longRuns S3 timed executions of 100 steps
 * @param longWarmup S3 untimed executions first
 * @param settleMs S4 rest before its window (the JIT finishing what the earlier load queued)
 * @param idleMs S4 window
 * @param dashboardClients S5 bridge clients
 * @param dashboardProcesses S5 Node processes sharing them
 * @param dashboardMs S5 window (S2's half-rate load runs meanwhile)
 * @param chattyRuns S6 executions watched in the browser
 */
record Profile(String name, long preheatMs, List<Integer> fanOutSizes, int fanOutRuns, int fanOutWarmup, int concurrency, long warmupMs,
    long peakMs, long halfMs, long rawRateMs, int longRuns, int longWarmup, long settleMs, long idleMs,
    int dashboardClients, int dashboardProcesses, long dashboardMs, int chattyRuns) {

  static Profile full() {
    return new Profile("full", 60_000, List.of(1, 10, 50, 200), 20, 3, 16, 10_000, 30_000, 30_000, 10_000, 5, 2, 30_000, 60_000, 500,
        4, 30_000, 3);
  }

  static Profile quick() {
    return new Profile("quick", 25_000, List.of(1, 10, 50, 200), 5, 1, 16, 5_000, 10_000, 10_000, 5_000, 1, 1, 10_000, 15_000, 500,
        4, 10_000, 1);
  }
}
