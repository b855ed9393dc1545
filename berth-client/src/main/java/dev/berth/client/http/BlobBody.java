package dev.berth.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
 * from another registry), read as the HTTP client asks for it, in {@link #CHUNK}-sized pieces. The
 * JDK's {@code ofFile} reads 16 KiB at a time and cannot start mid-file; a resumed upload needs
 * both an offset and fewer, bigger pieces. {@code progress} hears the bytes handed to the client.
 */
public final class BlobBody implements HttpRequest.BodyPublisher {
  static final int CHUNK = 512 * 1024;

  private interface Source extends AutoCloseable {
    int read(ByteBuffer into) throws IOException;

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
      AtomicLong position = new AtomicLong(offset);
      return new Source() {
        @Override
        public int read(ByteBuffer into) throws IOException {
          int n = ch.read(into, position.get());
          if (n > 0) {
            position.addAndGet(n);
          }
          return n;
        }

        @Override
        public void close() throws IOException {
          ch.close();
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
        public int read(ByteBuffer into) throws IOException {
          int n = in.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
          if (n > 0) {
            into.position(into.position() + n);
          }
          return n;
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
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, length - sent));
            while (chunk.hasRemaining()) {
              if (source.read(chunk) < 0) {
                throw new IOException("the blob ended after " + (sent + chunk.position()) + " of " + length + " bytes");
              }
            }
            chunk.flip();
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
