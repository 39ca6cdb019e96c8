package dev.pulse.worker.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Drains one output stream of a process on its own thread until end of file, so the process never
 * blocks on a full pipe. It keeps the first {@code capBytes} for the result and decodes the rest
 * incrementally as UTF-8 (invalid bytes become U+FFFD; a character split across reads is carried
 * over) into a pending buffer that the command's event loop takes as live chunks.
 */
final class OutputPump implements Runnable {

  /** Pending live text beyond this many bytes asks for an early flush. */
  static final int FLUSH_BYTES = 16 * 1024;

  private static final int READ_SIZE = 8192;

  /** Called from the pump thread; implementations hop to the event loop. */
  interface Listener {
    void flushWanted();

    void ended(OutputPump pump);
  }

  private final String stream;
  private final InputStream in;
  private final long capBytes;
  private final LiveBudget budget;
  private final Listener listener;

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private volatile boolean truncated;
  private volatile long totalBytes;

  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer undecoded = ByteBuffer.allocate(READ_SIZE + 8);
  private final CharBuffer decoded = CharBuffer.allocate(READ_SIZE + 8);

  private final StringBuilder pending = new StringBuilder();
  private int pendingBytes;
  private boolean flushAsked;
  private volatile boolean detached;

  OutputPump(String stream, InputStream in, long capBytes, LiveBudget budget, Listener listener) {
    this.stream = stream;
    this.in = in;
    this.capBytes = capBytes;
    this.budget = budget;
    this.listener = listener;
  }

  String stream() {
    return stream;
  }

  @Override
  public void run() {
    byte[] buffer = new byte[READ_SIZE];
    try (InputStream source = in) {
      int n;
      while ((n = source.read(buffer)) != -1) {
        accept(buffer, n);
      }
    } catch (IOException closed) {
      // the pipe was closed under us: what was read so far is the output
    } finally {
      endLive();
      listener.ended(this);
    }
  }

  private void accept(byte[] buffer, int n) {
    totalBytes += n;
    int room = (int) Math.max(0, Math.min(n, capBytes - captured.size()));
    if (room > 0) {
      captured.write(buffer, 0, room);
    }
    if (room < n) {
      truncated = true;
    }
    if (detached) {
      return;
    }
    int live = budget.take(n);
    if (live > 0) {
      decodeLive(buffer, live);
    }
  }

  private void decodeLive(byte[] buffer, int length) {
    undecoded.put(buffer, 0, length);
    undecoded.flip();
    decoder.decode(undecoded, decoded, false);
    undecoded.compact();
    appendDecoded(length);
  }

  private void endLive() {
    undecoded.flip();
    decoder.decode(undecoded, decoded, true);
    decoder.flush(decoded);
    undecoded.clear();
    appendDecoded(0);
  }

  private void appendDecoded(int bytes) {
    decoded.flip();
    boolean ask = false;
    synchronized (this) {
      pending.append(decoded);
      pendingBytes += bytes;
      if (pendingBytes >= FLUSH_BYTES && !flushAsked) {
        flushAsked = true;
        ask = true;
      }
    }
    decoded.clear();
    if (ask) {
      listener.flushWanted();
    }
  }

  /** The live text read since the last call (possibly empty). */
  synchronized String takePending() {
    String text = pending.toString();
    pending.setLength(0);
    pendingBytes = 0;
    flushAsked = false;
    return text;
  }

  /** Stops producing live text; the pump keeps draining the pipe. */
  void detach() {
    detached = true;
  }

  /** Whether more than the cap was written. */
  boolean truncated() {
    return truncated;
  }

  long totalBytes() {
    return totalBytes;
  }

  /** The kept beginning of the output, decoded; a character cut by the cap is dropped whole. */
  String capturedText() {
    byte[] bytes = captured.toByteArray();
    int length = truncated ? completeLength(bytes) : bytes.length;
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  /** The length without a trailing UTF-8 sequence that the cap cut short. */
  static int completeLength(byte[] bytes) {
    int end = bytes.length;
    for (int back = 1; back <= 3 && end - back >= 0; back++) {
      int b = bytes[end - back] & 0xFF;
      if ((b & 0xC0) == 0x80) {
        continue;
      }
      int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      return back < need ? end - back : end;
    }
    return end;
  }
}
