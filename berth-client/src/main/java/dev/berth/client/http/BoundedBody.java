package dev.berth.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * The one way Berth reads a response body from the JDK's HTTP client, so that no registry, storage
 * host or token server can make the client read for ever or without bound (blob downloads, read
 * by {@link BlockingHttp}, keep the same limits). The body is an {@link InputStream} that
 * <ul>
 *   <li>hands on at most {@link Limit#bytes()} bytes: the first byte beyond fails the read, so
 *       nothing past the limit reaches a file or memory; a {@code Content-Length} above the limit
 *       fails the first read without waiting for the body. A response that is not a 2xx (an error
 *       or a redirect) is limited to {@link #ERROR_BODY};</li>
 *   <li>fails when less than {@link #MIN_PROGRESS} arrives within a stall timeout: a body that
 *       stops, or trickles (one byte a second would otherwise hold a pull for ever);</li>
 *   <li>optionally fails when the whole body has not arrived within a deadline after the headers
 *       (for bodies read into memory, which a trickle would otherwise hold for days).</li>
 * </ul>
 * The reading thread does the waiting (a poll with a timeout), so there is no watchdog thread. As
 * the JDK's {@code ofInputStream}, chunks are requested as they are read, but up to {@link #WINDOW}
 * ahead, so the network need not wait for the reader (hashing, writing a file) between chunks:
 * memory stays a few chunks deep (the HTTP client's are 16 KiB).
 */
public final class BoundedBody {
  /** The most read of a token, a {@code /v2/} answer or another small JSON response. */
  public static final long SMALL = 1024 * 1024;
  /** The most read of a response that is not a success (the error text is all we want of it). */
  public static final long ERROR_BODY = 64 * 1024;
  /** Less than {@link #MIN_PROGRESS} in this long is a stall, unless the caller chose otherwise. */
  public static final Duration DEFAULT_STALL = Duration.ofSeconds(30);
  /** What must arrive per stall timeout (unless the body ends first): 1 KiB, about 34 bytes/s at the default. */
  public static final long MIN_PROGRESS = 1024;
  /** Chunks requested ahead of the reader. */
  static final int WINDOW = 8;

  /**
   * How many bytes a successful response may have, and why (for the error): {@code the size its
   * descriptor declares}.
   */
  public record Limit(long bytes, String why) {
    public static final Limit NONE = new Limit(Long.MAX_VALUE, null);

    public Limit {
      if (bytes < 0) {
        throw new IllegalArgumentException("negative body limit: " + bytes);
      }
    }
  }

  private BoundedBody() {}

  /**
   * @param source the server answering ({@code host:port}), named in errors
   * @param attempt what is being attempted, for errors ({@code pull blob sha256:… from host/repo}),
   *     or null to leave that to the caller
   * @param limit for a 2xx response; others get at most {@link #ERROR_BODY}
   * @param stall the window in which at least {@link #MIN_PROGRESS} must arrive (or the body end)
   * @param wholeBody the longest time from the headers to the end of the body, or null for none
   */
  public static HttpResponse.BodyHandler<InputStream> handler(
      String source, String attempt, Limit limit, Duration stall, Duration wholeBody) {
    Objects.requireNonNull(limit);
    Objects.requireNonNull(stall);
    return info -> {
      boolean success = info.statusCode() >= 200 && info.statusCode() < 300;
      Limit applied = success ? limit : new Limit(ERROR_BODY, null);
      long deadline = wholeBody == null ? 0 : System.nanoTime() + wholeBody.toNanos();
      return new Subscriber(new Stream(source, attempt, applied, stall, wholeBody, deadline, info.headers()));
    };
  }

  /**
   * Sends a request whose answer is small and read into memory (a token, a ping): a 2xx body of
   * more than {@code maxBytes} fails, any other body is cut at {@link #ERROR_BODY}. The request's
   * timeout (else {@link #DEFAULT_STALL}) bounds the headers, each wait for bytes, and the whole
   * body after the headers.
   *
   * @throws BodyLimitException when the body breaks a limit; messages name the server only
   */
  public static HttpResponse<byte[]> send(HttpClient http, HttpRequest request, long maxBytes)
      throws IOException, InterruptedException {
    Duration within = request.timeout().orElse(DEFAULT_STALL);
    HttpResponse<InputStream> response = http.send(request, handler(request.uri().getAuthority(), null, new Limit(maxBytes, null), within, within));
    byte[] body;
    try (InputStream in = response.body()) {
      boolean success = response.statusCode() >= 200 && response.statusCode() < 300;
      body = success ? in.readAllBytes() : in.readNBytes((int) ERROR_BODY);
    }
    return new Buffered(response, body);
  }

  /** {@code 100 bytes}, {@code 64 KiB}, {@code 4 MiB}. */
  static String size(long bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes == 1 ? "1 byte" : bytes + " bytes";
  }

  static String duration(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + " ms";
    }
    long s = d.toSeconds();
    return s % 60 == 0 && s > 0 ? s / 60 + " min" : s + " s";
  }

  private static final class Subscriber implements HttpResponse.BodySubscriber<InputStream> {
    private final Stream stream;

    Subscriber(Stream stream) {
      this.stream = stream;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
      return CompletableFuture.completedStage(stream);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      stream.subscribed(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      stream.queue.offer(item);
    }

    @Override
    public void onError(Throwable throwable) {
      stream.queue.offer(throwable);
    }

    @Override
    public void onComplete() {
      stream.queue.offer(Stream.END);
    }
  }

  /** The body as the reader sees it; only the reading thread touches its state but the queue. */
  private static final class Stream extends InputStream {
    static final Object END = new Object();

    final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final String attempt;
    private final Limit limit;
    private final Duration stall;
    private final Duration wholeBody;
    private final long deadline;
    private final String source;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;
    private Iterator<ByteBuffer> chunk;
    private ByteBuffer current;
    private long received;
    private long windowStart = System.nanoTime();
    private long windowBytes;
    private boolean eof;
    private IOException failure;

    Stream(String source, String attempt, Limit limit, Duration stall, Duration wholeBody, long deadline, HttpHeaders headers) {
      this.attempt = attempt;
      this.limit = limit;
      this.stall = stall;
      this.wholeBody = wholeBody;
      this.deadline = deadline;
      this.source = source;
      long announced = headers.firstValueAsLong("Content-Length").orElse(-1);
      if (announced > limit.bytes()) {
        failure = tooLarge("announced " + announced + " bytes, more than " + size(limit.bytes())
            + (limit.why() == null ? "" : ", " + limit.why()));
      }
    }

    void subscribed(Flow.Subscription s) {
      subscription = s;
      if (closed) {
        s.cancel();
      } else {
        s.request(WINDOW); // even after a Content-Length refusal: a HEAD answer ends at once, cleanly
      }
    }

    @Override
    public int read() throws IOException {
      ByteBuffer buffer = next();
      return buffer == null ? -1 : buffer.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      ByteBuffer buffer = next();
      if (buffer == null) {
        return -1;
      }
      int n = Math.min(len, buffer.remaining());
      buffer.get(b, off, n);
      return n;
    }

    @Override
    public int available() {
      return current == null ? 0 : current.remaining();
    }

    private ByteBuffer next() throws IOException {
      while (true) {
        if (failure != null) {
          throw failure;
        }
        if (current != null && current.hasRemaining()) {
          return current;
        }
        if (chunk != null && chunk.hasNext()) {
          current = chunk.next();
          received += current.remaining();
          windowBytes += current.remaining();
          if (received > limit.bytes()) {
            fail(tooLarge("sent more than " + size(limit.bytes()) + (limit.why() == null ? "" : ", " + limit.why())));
          }
          continue;
        }
        if (eof) {
          return null;
        }
        if (closed) {
          throw new IOException("stream closed");
        }
        Object item = take();
        if (item == END) {
          eof = true;
        } else if (item instanceof Throwable t) {
          String why = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
          failure = new BrokenConnectionException(
              message("the connection to " + source + " broke while reading the response: " + why), t);
        } else {
          @SuppressWarnings("unchecked")
          List<ByteBuffer> buffers = (List<ByteBuffer>) item;
          chunk = buffers.iterator();
          subscription.request(1);
        }
      }
    }

    /** The next item, checking the stall window and the deadline while it waits. */
    private Object take() throws IOException {
      Object ready = queue.poll();
      if (ready != null) {
        return ready; // the network is ahead of us: nothing to time
      }
      long stallNanos = stall.toNanos();
      while (true) {
        long now = System.nanoTime();
        if (wholeBody != null && now - deadline >= 0) {
          fail(new BodyLimitException(BodyLimitException.Kind.TOO_SLOW,
              message(source + " did not finish its response within " + duration(wholeBody))));
        }
        if (now - windowStart >= stallNanos) {
          if (windowBytes < MIN_PROGRESS) {
            fail(new BodyLimitException(BodyLimitException.Kind.STALLED, message(windowBytes == 0
                ? "no data from " + source + " for " + duration(stall) + " (stall timeout)"
                : "only " + size(windowBytes) + " from " + source + " in " + duration(stall) + " (stall timeout)")));
          }
          windowStart = now;
          windowBytes = 0;
        }
        long wait = windowStart + stallNanos - now;
        if (wholeBody != null) {
          wait = Math.min(wait, deadline - now);
        }
        try {
          Object item = queue.poll(wait, TimeUnit.NANOSECONDS);
          if (item != null) {
            return item;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          cancel();
          throw new InterruptedIOException(message("interrupted while reading the response of " + source));
        }
      }
    }

    private BodyLimitException tooLarge(String what) {
      return new BodyLimitException(BodyLimitException.Kind.TOO_LARGE, message(source + " " + what));
    }

    private String message(String why) {
      return attempt == null ? why : "Tried to " + attempt + " but failed because: " + why;
    }

    private void fail(IOException e) throws IOException {
      failure = e;
      cancel();
      throw e;
    }

    private void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (!eof) {
        cancel(); // the connection is dropped rather than drained
      }
      queue.clear();
    }
  }

  /** A response whose body has been read. */
  private record Buffered(HttpResponse<?> response, byte[] body) implements HttpResponse<byte[]> {
    @Override
    public int statusCode() {
      return response.statusCode();
    }

    @Override
    public HttpRequest request() {
      return response.request();
    }

    @Override
    public Optional<HttpResponse<byte[]>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return response.headers();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return response.sslSession();
    }

    @Override
    public URI uri() {
      return response.uri();
    }

    @Override
    public HttpClient.Version version() {
      return response.version();
    }
  }
}
