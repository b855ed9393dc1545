package dev.berth.server.http;

import dev.berth.model.ErrorCode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The slowest a request body may arrive: {@code minBytesPerSecond} averaged over {@code window}.
 * A body that trickles slower would hold a connection (and an upload session) for ever; it is cut
 * off instead, and an upload keeps what arrived, to be resumed. Windows in which the server
 * itself stopped reading (back-pressure from a slow disk) do not count against the client.
 *
 * @param minBytesPerSecond 0 turns the check off
 */
public record BodyRate(long minBytesPerSecond, Duration window) {
  public static final BodyRate OFF = new BodyRate(0, Duration.ofSeconds(30));

  boolean enabled() {
    return minBytesPerSecond > 0;
  }

  long minimumPerWindow() {
    return minBytesPerSecond * window.toMillis() / 1000;
  }

  /**
   * Starts watching a body; call from the request's context. {@code paused} tells whether the
   * server holds the body back right now; {@code tooSlow} runs (on that context) once, when a
   * window brought less than the minimum.
   */
  Watch watch(Vertx vertx, BooleanSupplier paused, Runnable tooSlow) {
    return new Watch(vertx, paused, tooSlow);
  }

  /** The failure of a body cut off for being too slow; answered 408 and the connection closed. */
  static final class TooSlow extends RuntimeException {
    final ErrorCode code;

    TooSlow(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  TooSlow failure(ErrorCode code, String what) {
    return new TooSlow(code, what + " arrived slower than " + minBytesPerSecond + " bytes/s over "
        + window.toSeconds() + " s; the connection is closed");
  }

  /** One body under watch. */
  final class Watch {
    private final Vertx vertx;
    private final BooleanSupplier paused;
    private final Runnable tooSlow;
    private final AtomicLong bytes = new AtomicLong();
    private final long timer;
    private volatile boolean excused;
    private volatile boolean stopped;

    private Watch(Vertx vertx, BooleanSupplier paused, Runnable tooSlow) {
      this.vertx = vertx;
      this.paused = paused;
      this.tooSlow = tooSlow;
      this.timer = enabled() ? vertx.setPeriodic(window.toMillis(), id -> tick()) : -1;
    }

    void received(long n) {
      bytes.addAndGet(n);
    }

    /** The server paused reading: the current window does not count. */
    void excuse() {
      excused = true;
    }

    /** The body ended (or failed): no more checks. Any thread. */
    void stop() {
      stopped = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }

    private void tick() {
      long got = bytes.getAndSet(0);
      boolean pausedNow = paused.getAsBoolean();
      boolean skip = excused || pausedNow;
      excused = pausedNow;
      if (stopped || skip || got >= minimumPerWindow()) {
        return;
      }
      stop();
      tooSlow.run();
    }
  }
}
