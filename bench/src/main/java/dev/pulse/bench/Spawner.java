package dev.pulse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's raw limit: {@code /bin/sh -c true} spawned from Java the way a worker spawns a
 * command (pipes for stdin, stdout and stderr, both outputs read to the end, then the exit awaited),
 * with nothing else around it.
 */
final class Spawner {

  /** Threads of a burst: more did not finish N spawns sooner on 2 cores. */
  static final int BURST_THREADS = 8;

  private Spawner() {
  }

  /** One spawn, start to exit. */
  static void spawnOnce() {
    try {
      Process process = new ProcessBuilder("/bin/sh", "-c", "true").start();
      process.getOutputStream().close();
      process.getInputStream().readAllBytes();
      process.getErrorStream().readAllBytes();
      if (process.waitFor() != 0) {
        throw new IllegalStateException("sh -c true exited with " + process.exitValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Milliseconds of each of {@code count} spawns in a row on one thread. */
  static double[] sequential(int count) {
    double[] times = new double[count];
    for (int i = 0; i < count; i++) {
      long began = System.nanoTime();
      spawnOnce();
      times[i] = (System.nanoTime() - began) / 1e6;
    }
    return times;
  }

  /** Milliseconds until {@code n} spawns have all exited, on up to {@link #BURST_THREADS} threads; {@code repeats} times. */
  static double[] burst(int n, int repeats) {
    int threads = Math.min(n, BURST_THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      double[] times = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        AtomicInteger left = new AtomicInteger(n);
        long began = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          running.add(pool.submit(() -> {
            while (left.getAndDecrement() > 0) {
              spawnOnce();
            }
          }));
        }
        await(running);
        times[r] = (System.nanoTime() - began) / 1e6;
      }
      return times;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Spawns per second with {@code threads} threads each spawning in a loop for {@code millis}. */
  static double rate(int threads, long millis) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      AtomicLong done = new AtomicLong();
      long began = System.nanoTime();
      long deadline = began + TimeUnit.MILLISECONDS.toNanos(millis);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        running.add(pool.submit(() -> {
          while (System.nanoTime() < deadline) {
            spawnOnce();
            done.incrementAndGet();
          }
        }));
      }
      await(running);
      return done.get() / ((System.nanoTime() - began) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(List<Future<?>> running) {
    for (Future<?> future : running) {
      try {
        future.get(5, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new IllegalStateException("A raw spawn failed: " + e, e);
      }
    }
  }
}
