package dev.pulse.worker.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Drains one output stream of a process on its own thread until end of file, so the process never
 * blocks on a full pipe. It keeps the first {@code capBytes} for the result and decodes the rest
 * incrementally as UTF-8 (invalid bytes become U+FFFD; a character split across reads is carried
 * over) into pending text that the command's event loop takes as live chunks of bounded size, at
 * the pace the bus takes them. The live budget bounds what can be pending.
 */
final class OutputPump implements Runnable {

  /** Pending live text beyond this many characters asks for an early flush. */
  static final int FLUSH_CHARS = 16 * 1024;

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

  /** Decoded pieces (one per read) in reading order: a slice copies at most one piece of what stays. */
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private int pendingChars;
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
    appendDecoded();
  }

  private void endLive() {
    undecoded.flip();
    decoder.decode(undecoded, decoded, true);
    decoder.flush(decoded);
    undecoded.clear();
    appendDecoded();
  }

  private void appendDecoded() {
    decoded.flip();
    String piece = decoded.toString();
    decoded.clear();
    if (piece.isEmpty()) {
      return;
    }
    boolean ask = false;
    synchronized (this) {
      pending.addLast(piece);
      pendingChars += piece.length();
      if (pendingChars >= FLUSH_CHARS && !flushAsked) {
        flushAsked = true;
        ask = true;
      }
    }
    if (ask) {
      listener.flushWanted();
    }
  }

  /** Whether live text is waiting to be taken. */
  synchronized boolean hasPending() {
    return pendingChars > 0;
  }

  /** All the live text read since the last take (possibly empty). */
  String takePending() {
    return takePending(Integer.MAX_VALUE);
  }

  /**
   * The oldest pending live text, at most {@code maxChars} (at least 2) characters; a surrogate
   * pair is never split. The rest stays pending.
   */
  synchronized String takePending(int maxChars) {
    StringBuilder text = new StringBuilder(Math.min(maxChars, pendingChars));
    while (!pending.isEmpty() && text.length() < maxChars) {
      String piece = pending.peekFirst();
      int room = maxChars - text.length();
      if (piece.length() <= room) {
        text.append(pending.pollFirst());
        continue;
      }
      int cut = Character.isHighSurrogate(piece.charAt(room - 1)) ? room - 1 : room;
      if (cut > 0) {
        text.append(piece, 0, cut);
        pending.pollFirst();
        pending.addFirst(piece.substring(cut));
      }
      break;
    }
    pendingChars -= text.length();
    flushAsked = false;
    return text.toString();
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
