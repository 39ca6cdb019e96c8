package dev.pulse.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutputPumpTest {

  private final AtomicInteger flushes = new AtomicInteger();
  private final AtomicInteger ends = new AtomicInteger();
  private final OutputPump.Listener listener = new OutputPump.Listener() {
    @Override
    public void flushWanted() {
      flushes.incrementAndGet();
    }

    @Override
    public void ended(OutputPump pump) {
      ends.incrementAndGet();
    }
  };

  @Test
  void capThatCutsAMultiByteCharacterDropsItWhole() {
    byte[] bytes = ("a".repeat(1023) + "\u00e9\u00e9").getBytes(StandardCharsets.UTF_8);
    OutputPump pump = new OutputPump("stdout", new ByteArrayInputStream(bytes), 1024, new LiveBudget(1 << 20), listener);

    pump.run();

    assertTrue(pump.truncated());
    assertEquals("a".repeat(1023), pump.capturedText());
    assertEquals("a".repeat(1023) + "\u00e9\u00e9", pump.takePending());
    assertEquals(1, ends.get());
  }

  @Test
  void outputWithinTheCapIsKeptWholeIncludingInvalidBytes() {
    byte[] bytes = {'o', 'k', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '\n', (byte) 0xE2, (byte) 0x82};
    OutputPump pump = new OutputPump("stderr", new ByteArrayInputStream(bytes), 1024, new LiveBudget(1 << 20), listener);

    pump.run();

    assertFalse(pump.truncated());
    assertEquals("ok\u00e9\uFFFD\n\uFFFD", pump.capturedText());
    assertEquals("ok\u00e9\uFFFD\n\uFFFD", pump.takePending());
  }

  @Test
  void liveTextAsksForAFlushEvery16KiBAndStopsAtTheBudget() {
    ByteArrayOutputStream big = new ByteArrayOutputStream();
    big.writeBytes("x".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
    LiveBudget budget = new LiveBudget(40_000);
    OutputPump pump = new OutputPump("stdout", new ByteArrayInputStream(big.toByteArray()), 2048, budget, listener);

    pump.run();

    assertEquals(1, flushes.get(), "nobody took the pending text, so one request stays open");
    assertEquals(40_000, pump.takePending().length());
    assertTrue(budget.exhausted());
    assertEquals(2048, pump.capturedText().length());
    assertEquals(100_000, pump.totalBytes());
  }

  @Test
  void pendingTextIsTakenInBoundedSlicesWithoutSplittingASurrogatePair() {
    String text = "ab" + "\uD83D\uDE00" + "cd";
    OutputPump pump = new OutputPump("stdout", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1024,
        new LiveBudget(1 << 20), listener);

    pump.run();

    assertEquals("ab", pump.takePending(3), "the emoji does not fit in 3 and is not cut in half");
    assertEquals("\uD83D\uDE00c", pump.takePending(3));
    assertTrue(pump.hasPending());
    assertEquals("d", pump.takePending(3));
    assertFalse(pump.hasPending());
    assertEquals("", pump.takePending(3));
  }

  @Test
  void slicesFollowReadingOrderAcrossReads() {
    byte[] bytes = ("x".repeat(10_000) + "y".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
    OutputPump pump = new OutputPump("stdout", new ByteArrayInputStream(bytes), 1024, new LiveBudget(1 << 20),
        listener);

    pump.run();

    StringBuilder taken = new StringBuilder();
    while (pump.hasPending()) {
      String slice = pump.takePending(3000);
      assertTrue(slice.length() <= 3000, "slice of " + slice.length());
      taken.append(slice);
    }
    assertEquals("x".repeat(10_000) + "y".repeat(10_000), taken.toString());
  }
}
