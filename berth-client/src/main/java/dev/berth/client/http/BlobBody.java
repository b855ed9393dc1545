package dev.berth.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.net.http.HttpRequest;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A request body that is a blob: a range of a file, or a stream of known length (a blob copied
 * from another registry), read as the HTTP client asks for it. The JDK's {@code ofFile} reads 16
 * KiB at a time and cannot start mid-file; a resumed upload needs both an offset and fewer, bigger
 * pieces. A file is mapped ({@link #WINDOW} at a time) and handed over in {@link #MAPPED_CHUNK}
 * slices of the mapping, which the socket writes straight from the page cache: no read into the
 * heap, no copy (reading into heap buffers cost two copies of every byte, and the heap's churn).
 * A stream is read in {@link #CHUNK} pieces. {@code progress} hears the bytes handed to the client.
 */
public final class BlobBody implements HttpRequest.BodyPublisher {
  /** Below half a G1 region even in a small heap: bigger pieces would be "humongous" allocations. */
  static final int CHUNK = 256 * 1024;
  static final int MAPPED_CHUNK = 1024 * 1024;
  static final long WINDOW = 64L * 1024 * 1024;

  private interface Source extends AutoCloseable {
    /** The next piece, at most {@code max} bytes, or null at the end. */
    ByteBuffer next(int max) throws IOException;

    @Override
    void close() throws IOException;
  }

  private interface SourceFactory {
    Source open() throws IOException;
  }

  private final SourceFactory factory;
  private final long length;
  private final LongConsumer progress;

  private BlobBody(SourceFactory factory, long length, LongConsumer progress) {
    this.factory = factory;
    this.length = length;
    this.progress = progress;
  }

  /** Bytes {@code [offset, offset + length)} of {@code file}; may be sent again (after a 401). */
  public static BlobBody ofFile(Path file, long offset, long length, LongConsumer progress) {
    return new BlobBody(() -> {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      return new Source() {
        private long position = offset;
        private MappedByteBuffer window;

        @Override
        public ByteBuffer next(int max) throws IOException {
          if (window == null || !window.hasRemaining()) {
            long size = Math.min(WINDOW, ch.size() - position);
            if (size <= 0) {
              return null;
            }
            window = ch.map(FileChannel.MapMode.READ_ONLY, position, size);
            position += size;
          }
          int n = Math.min(Math.min(max, MAPPED_CHUNK), window.remaining());
          ByteBuffer piece = window.slice(window.position(), n);
          window.position(window.position() + n);
          return piece;
        }

        @Override
        public void close() throws IOException {
          ch.close(); // the mapping outlives the channel until the buffers are gone
        }
      };
    }, length, progress);
  }

  /** {@code length} bytes of {@code in}; it can be sent once only (a second try fails and is resumed instead). */
  public static BlobBody ofStream(InputStream in, long length, LongConsumer progress) {
    AtomicBoolean used = new AtomicBoolean();
    return new BlobBody(() -> {
      if (used.getAndSet(true)) {
        throw new IOException("the blob stream cannot be sent twice");
      }
      return new Source() {
        @Override
        public ByteBuffer next(int max) throws IOException {
          ByteBuffer chunk = ByteBuffer.allocate(Math.min(max, CHUNK));
          while (chunk.hasRemaining()) {
            int n = in.read(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
            if (n < 0) {
              break;
            }
            chunk.position(chunk.position() + n);
          }
          chunk.flip();
          return chunk.hasRemaining() ? chunk : null;
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
    }, length, progress);
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    new Pump(subscriber).start();
  }

  /** Reads a chunk per requested item, on the requesting thread, without recursion. */
  private final class Pump implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean done;
    private Source source;
    private long sent;

    Pump(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    void start() {
      subscriber.onSubscribe(this);
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        finish(new IllegalArgumentException("non-positive request: " + n));
        return;
      }
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      drain();
    }

    @Override
    public void cancel() {
      done = true;
      closeSource();
    }

    private void drain() {
      while (!done && demand.get() > 0 && draining.compareAndSet(false, true)) {
        try {
          while (!done && demand.get() > 0) {
            if (sent == length) {
              done = true;
              closeSource();
              subscriber.onComplete();
              return;
            }
            if (source == null) {
              source = factory.open();
            }
            ByteBuffer chunk = source.next((int) Math.min(Integer.MAX_VALUE, length - sent));
            if (chunk == null) {
              throw new IOException("the blob ended after " + sent + " of " + length + " bytes");
            }
            sent += chunk.remaining();
            demand.decrementAndGet();
            subscriber.onNext(chunk);
            progress.accept(sent);
          }
        } catch (IOException | RuntimeException e) {
          finish(e);
          return;
        } finally {
          draining.set(false);
        }
      }
    }

    private void finish(Throwable t) {
      if (!done) {
        done = true;
        closeSource();
        subscriber.onError(t);
      }
    }

    private void closeSource() {
      Source s = source;
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // the request is over either way
        }
      }
    }
  }
}
