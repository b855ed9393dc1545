package dev.berth.server.http;

import dev.berth.server.storage.UploadWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves a request body into an {@link UploadWriter} on a worker thread, so that reading the socket
 * (event loop) and hashing + writing the file (worker) run on two cores at once: one upload
 * stream is otherwise bound by a single thread doing all three.
 *
 * <p>Back-pressure: at most {@link #HIGH_WATER} bytes wait in the queue; above it the request is
 * paused (TCP then throttles the client), below {@link #LOW_WATER} it resumes. Memory per upload
 * is therefore bounded whatever the blob size.
 */
final class UploadPipe {
  static final long HIGH_WATER = 8L * 1024 * 1024;
  static final long LOW_WATER = 2L * 1024 * 1024;

  private final HttpServerRequest request;
  private final UploadWriter writer;
  private final Executor worker;
  private final Context context;
  private final Promise<Long> done = Promise.promise();
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong queued = new AtomicLong();
  private static final Object END = new Object();
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile boolean paused;
  private volatile boolean failed;

  UploadPipe(HttpServerRequest request, UploadWriter writer, Executor worker, Context context) {
    this.request = request;
    this.writer = writer;
    this.worker = worker;
    this.context = context;
  }

  /** Starts reading; completes (on the request's context) with the bytes written. */
  Future<Long> start(Runnable acceptBody) {
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

  private void onBuffer(Buffer buffer) {
    if (failed) {
      return;
    }
    if (queued.addAndGet(buffer.length()) > HIGH_WATER && !paused) {
      paused = true;
      request.pause();
    }
    offer(buffer);
  }

  private void offer(Object item) {
    queue.add(item);
    if (draining.compareAndSet(false, true)) {
      worker.execute(this::drain);
    }
  }

  /** Worker side: one drain at a time per upload, so the writer sees bytes in order. */
  private void drain() {
    while (true) {
      Object item;
      while ((item = queue.poll()) != null) {
        if (item instanceof Buffer buffer) {
          if (!failed) {
            try {
              writer.write(((BufferInternal) buffer).getByteBuf().nioBuffer());
            } catch (RuntimeException e) {
              failed = true;
              finish(e);
            }
          }
          long left = queued.addAndGet(-buffer.length());
          if (paused && left < LOW_WATER && !failed) {
            paused = false;
            context.runOnContext(v -> request.resume());
          }
        } else if (item == END) {
          finish(null);
        } else if (item instanceof Throwable t) {
          finish(t);
        }
      }
      draining.set(false);
      if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void finish(Throwable failure) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    writer.close();
    long written = writer.written();
    context.runOnContext(v -> {
      if (failure == null) {
        done.tryComplete(written);
      } else {
        done.tryFail(failure);
      }
    });
  }
}
