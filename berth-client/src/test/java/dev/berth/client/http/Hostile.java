package dev.berth.client.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicLong;

/** Answers a hostile server gives: bodies that never end, trickle, or never start. */
public final class Hostile {
  private Hostile() {}

  /** Zeros, as fast as the client takes them, until it hangs up; counts what was written. */
  public static void endless(HttpServerResponse res, AtomicLong sent) {
    res.setChunked(true);
    pump(res, Buffer.buffer(new byte[16 * 1024]), sent);
  }

  public static void endless(HttpServerResponse res) {
    endless(res, new AtomicLong());
  }

  // a few chunks per turn, then yield: a hang-up is only noticed between turns of the event loop
  private static void pump(HttpServerResponse res, Buffer chunk, AtomicLong sent) {
    if (res.closed() || res.ended()) {
      return;
    }
    for (int i = 0; i < 16 && !res.writeQueueFull(); i++) {
      res.write(chunk);
      sent.addAndGet(chunk.length());
    }
    if (res.writeQueueFull()) {
      res.drainHandler(v -> pump(res, chunk, sent));
    } else {
      Vertx.currentContext().runOnContext(v -> pump(res, chunk, sent));
    }
  }

  /** One byte every {@code periodMillis}, for ever (until the client hangs up). */
  public static void trickle(HttpServerResponse res, long periodMillis) {
    drip(res, periodMillis, 1);
  }

  /** {@code bytes} every {@code periodMillis}, for ever: enough never to stall, never an end. */
  public static void drip(HttpServerResponse res, long periodMillis, int bytes) {
    res.setChunked(true);
    res.writeHead();
    Vertx vertx = Vertx.currentContext().owner();
    Buffer piece = Buffer.buffer(new byte[bytes]);
    vertx.setPeriodic(periodMillis, id -> {
      if (res.closed()) {
        vertx.cancelTimer(id);
      } else {
        res.write(piece);
      }
    });
  }

  /** The headers, then nothing at all. */
  public static void silent(HttpServerResponse res) {
    res.setChunked(true);
    res.writeHead();
  }
}
