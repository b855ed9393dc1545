package dev.berth.server.http;

import dev.berth.server.storage.UploadWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Moves a request body into an {@link UploadWriter} on worker threads: the event loop reads the
 * socket, one worker writes the file and another hashes, so one upload stream uses three threads
 * instead of one doing everything (SHA-256 alone is slower than the socket and the file; measured
 * with JFR, a single worker spent two thirds of its time hashing and was the bottleneck).
 *
 * <p>Both stages see every piece in arrival order; a piece is shared read-only between them (each
 * reads through its own view). Back-pressure: at most {@link #HIGH_WATER} bytes wait in the slower
 * stage; above it the request is paused (TCP then throttles the client), below {@link #LOW_WATER}
 * it resumes. Memory per upload is therefore bounded whatever the blob size. The writer is closed
 * once both stages have stopped, never while one still uses it.
 *
 * <p>Body pieces come without a copy where possible ({@link BodyTap}, {@link TappedBody}): each
 * tapped piece goes back to Netty's pool once both stages are done with it, and whatever is still
 * out when the pipe stops (pieces Vert.x kept for a connection that closed) is given back then.
 */
final class UploadPipe {
  static final long HIGH_WATER = 8L * 1024 * 1024;
  static final long LOW_WATER = 2L * 1024 * 1024;
  private static final Object END = new Object();

  private final HttpServerRequest request;
  private final UploadWriter writer;
  private final Executor worker;
  private final Context context;
  private final Promise<Long> done = Promise.promise();
  private final Stage file;
  private final Stage digest;
  /** Stages still running; the one that brings it to zero closes the writer. */
  private final AtomicInteger running = new AtomicInteger(2);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean paused;
  private volatile boolean failed;
  /** Tapped pieces not yet given back, by id; guarded by {@code this} for adding and sweeping. */
  private final ConcurrentHashMap<Long, TappedBody> out = new ConcurrentHashMap<>();
  private long nextId;
  private boolean swept;
  private volatile BodyTap tap;
  private final BodyRate rate;
  private BodyRate.Watch watch;

  UploadPipe(HttpServerRequest request, UploadWriter writer, Executor worker, Context context, BodyRate rate) {
    this.rate = rate;
    this.request = request;
    this.writer = writer;
    this.worker = worker;
    this.context = context;
    this.file = new Stage(writer::writeData);
    this.digest = new Stage(writer::hash);
  }

  /** Starts reading; completes (on the request's context) with the bytes written. */
  Future<Long> start(Runnable acceptBody) {
    // Before anything can stop the pipe, so that stopping always finds the tap to remove.
    tap = BodyTap.install(request, this);
    // A trickle would hold the session and the connection for ever: cut it off, keeping what came.
    watch = rate.watch(context.owner(), () -> paused, () -> {
      failed = true;
      offer(rate.failure(dev.berth.model.ErrorCode.BLOB_UPLOAD_INVALID, "the upload body"));
    });
    request.handler(this::onBuffer);
    request.endHandler(v -> offer(END));
    request.exceptionHandler(e -> {
      failed = true;
      offer(e);
    });
    // A client gone before or while we read: release the session (it stays resumable).
    request.response().closeHandler(v -> {
      failed = true;
      offer(new java.io.IOException("client closed the connection"));
    });
    if (request.response().closed()) {
      failed = true;
      offer(new java.io.IOException("client closed the connection"));
    }
    acceptBody.run();
    return done.future();
  }

  /** The tap wraps {@code pooled}; null once the pipe has stopped (the piece then goes as a copy). */
  synchronized TappedBody track(ByteBuf pooled) {
    if (swept) {
      return null;
    }
    TappedBody body = new TappedBody(pooled, this, nextId++);
    out.put(body.id, body);
    return body;
  }

  void untrack(TappedBody body) {
    out.remove(body.id);
  }

  /** The pipe stopped: no more tapping; give back every piece still out. */
  private synchronized void sweep() {
    swept = true;
    if (tap != null) {
      tap.remove();
    }
    out.values().forEach(TappedBody::free);
  }

  private static TappedBody tapped(Buffer buffer) {
    return buffer instanceof BufferImpl impl && impl.byteBuf() instanceof TappedBody body ? body : null;
  }

  private static ByteBuffer bytesOf(Buffer buffer) {
    TappedBody body = tapped(buffer);
    return body != null ? body.nioBuffer() : ((BufferInternal) buffer).getByteBuf().nioBuffer();
  }

  private void onBuffer(Buffer buffer) {
    if (failed) {
      TappedBody body = tapped(buffer);
      if (body != null) {
        body.free();
      }
      return;
    }
    int n = buffer.length();
    watch.received(n);
    long waiting = Math.max(file.queued.addAndGet(n), digest.queued.addAndGet(n));
    if (waiting > HIGH_WATER && !paused) {
      paused = true;
      watch.excuse();
      request.pause();
    }
    offer(buffer);
  }

  private void offer(Object item) {
    file.offer(item);
    digest.offer(item);
  }

  /** Called by a stage after it consumed a piece: resume reading once both stages caught up. */
  private void consumed() {
    if (paused && !failed && file.queued.get() < LOW_WATER && digest.queued.get() < LOW_WATER) {
      paused = false;
      context.runOnContext(v -> request.resume());
    }
  }

  /** A stage stopped (end of body, or a failure): the last one to stop closes the writer. */
  private void stopped(Throwable cause) {
    if (cause != null) {
      failed = true;
      failure.compareAndSet(null, cause);
    }
    if (running.decrementAndGet() > 0) {
      return;
    }
    watch.stop();
    Throwable first = failure.get();
    if (first != null) {
      writer.markBroken();
    }
    writer.close();
    sweep();
    long written = writer.written();
    context.runOnContext(v -> {
      if (first == null) {
        done.tryComplete(written);
      } else {
        done.tryFail(first);
      }
    });
  }

  /** One consumer of the body, draining its own queue on a worker thread, one drain at a time. */
  private final class Stage {
    final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean draining = new AtomicBoolean();
    final AtomicLong queued = new AtomicLong();
    final Consumer<ByteBuffer> sink;
    private boolean over; // only touched by the draining thread

    Stage(Consumer<ByteBuffer> sink) {
      this.sink = sink;
    }

    void offer(Object item) {
      queue.add(item);
      if (draining.compareAndSet(false, true)) {
        worker.execute(this::drain);
      }
    }

    private void drain() {
      while (true) {
        Object item;
        while ((item = queue.poll()) != null) {
          if (item instanceof Buffer buffer) {
            if (!over && !failed) {
              try {
                sink.accept(bytesOf(buffer));
              } catch (RuntimeException e) {
                over = true;
                stopped(e);
                // Stop the other stage now rather than at the end of a body nobody will use.
                (this == file ? digest : file).offer(e);
              }
            }
            TappedBody body = tapped(buffer);
            if (body != null) {
              body.readBy();
            }
            queued.addAndGet(-buffer.length());
            consumed();
          } else if (!over) {
            over = true;
            stopped(item == END ? null : (Throwable) item);
          }
        }
        draining.set(false);
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
          return;
        }
      }
    }
  }
}
