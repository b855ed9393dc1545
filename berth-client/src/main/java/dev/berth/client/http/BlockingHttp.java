package dev.berth.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;

/**
 * Requests made by the calling thread, which reads the answer straight from its socket (the JDK's
 * {@link HttpURLConnection}), under the limits {@link BoundedBody} sets for the JDK's client:
 * <ul>
 *   <li>{@link #get}: a GET whose body is a blob, streamed. The JDK's {@code java.net.http} client
 *       reads every response on its selector thread and hands each piece (about 50 KiB) to the
 *       reader through a queue; for 1 GiB in five parallel downloads, hashed, that cost 1.46 s
 *       against 0.88 s read this way (measured here, the same registry and hashing).</li>
 *   <li>{@link #send}: a small request (a ping, a token) whose answer is read into memory, for a
 *       process that makes a few requests and ends ({@code berth login}): no client to build, no
 *       selector thread to start (three requests of a login: 82 against 115 ms, the whole JVM).</li>
 * </ul>
 * A body holds at most its limit (an error body at most {@link BoundedBody#ERROR_BODY}), and at
 * least {@link BoundedBody#MIN_PROGRESS} must arrive per stall timeout; a body that ends before its
 * {@code Content-Length} is a broken connection (so a download resumes), not a short blob.
 *
 * <p>One socket timeout serves the headers and each read; the headers as a whole must also come
 * within the response timeout (a {@link Watchdog} ends a request whose headers trickle, or whose
 * thread is interrupted while it waits for them). No redirect is followed, no proxy used, no cache
 * or cookie kept: as with Berth's {@code HttpClient}s, the caller decides where a request goes and
 * what it carries. A body's read blocks its thread, which notices an interrupt when the read
 * returns: a download being cancelled stops within one read while bytes flow, within the stall
 * timeout when they do not (a body being read cannot be closed from another thread: the close
 * waits for the read).
 */
public final class BlockingHttp {
  /** Credentials go where the caller puts them, never where {@code java.net.Authenticator} would. */
  private static final java.net.Authenticator NO_ANSWERS = new java.net.Authenticator() { };

  static {
    // HttpURLConnection answers "WWW-Authenticate: Negotiate" from the user's Kerberos ticket cache
    // without asking any Authenticator, unless GSS may use only a Subject's credentials (Berth
    // never gives it one): a registry must not get a Kerberos ticket it was not given
    if (System.getProperty("javax.security.auth.useSubjectCredsOnly") == null) {
      System.setProperty("javax.security.auth.useSubjectCredsOnly", "true");
    }
  }

  private BlockingHttp() {}

  /**
   * @param tls the socket factory for {@code https} (made only when asked for)
   * @param source the server answering ({@code host:port}), named in errors
   * @param attempt what is being attempted, for errors ({@code pull blob sha256:… from host/repo})
   * @param limit for a 2xx response; others get at most {@link BoundedBody#ERROR_BODY}
   * @throws HttpConnectTimeoutException when no connection was made within {@code connectTimeout}
   * @throws HttpTimeoutException when the headers did not come within the socket timeout
   */
  public static HttpResponse<InputStream> get(URI uri, Map<String, String> headers, Supplier<SSLSocketFactory> tls,
      Duration connectTimeout, Duration responseTimeout, String source, String attempt, BoundedBody.Limit limit,
      Duration stall) throws IOException {
    Map<String, List<String>> all = new LinkedHashMap<>();
    headers.forEach((name, value) -> all.put(name, List.of(value)));
    return exchange("GET", uri, all, null, tls, connectTimeout, responseTimeout, source, attempt, limit, stall, null);
  }

  /**
   * As {@link BoundedBody#send}: a request whose answer is small and read into memory; a 2xx body
   * of more than {@code maxBytes} fails, any other is cut at {@link BoundedBody#ERROR_BODY}. The
   * request's timeout (else {@link BoundedBody#DEFAULT_STALL}) bounds the headers, each wait for
   * bytes, and the whole body after the headers.
   *
   * @throws BodyLimitException when the body breaks a limit; messages name the server only
   */
  public static HttpResponse<byte[]> send(HttpRequest request, long maxBytes, Supplier<SSLSocketFactory> tls,
      Duration connectTimeout) throws IOException {
    Duration within = request.timeout().orElse(BoundedBody.DEFAULT_STALL);
    byte[] content = request.bodyPublisher().map(BlockingHttp::collect).orElse(null);
    if (content != null && content.length == 0 && !request.method().equals("POST") && !request.method().equals("PUT")) {
      content = null;
    }
    HttpResponse<InputStream> response = exchange(request.method(), request.uri(), request.headers().map(), content, tls,
        connectTimeout, within, request.uri().getAuthority(), null, new BoundedBody.Limit(maxBytes, null), within, within);
    byte[] body;
    try (InputStream in = response.body()) {
      boolean success = response.statusCode() >= 200 && response.statusCode() < 300;
      body = success ? in.readAllBytes() : in.readNBytes((int) BoundedBody.ERROR_BODY);
    }
    return new Response<>(response.uri(), response.statusCode(), response.headers(), body);
  }

  /**
   * Resolves the JDK's handlers for http and https URLs, which the first request would otherwise
   * do: {@code java.net.URL} first asks every {@code URLStreamHandlerProvider} on the class path,
   * and looking for those opens and indexes every jar on it (17-33 ms for berth.jar's 19,000
   * entries in a fresh JVM, 9-11 ms for berth-client.jar's 2,800).
   * Meant for a background thread at start-up; harmless to call again.
   */
  public static void prepare() {
    try {
      URI.create("http://localhost/").toURL();
      URI.create("https://localhost/").toURL();
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e); // the JDK always has both
    }
  }

  /**
   * @param responseTimeout from the request to the end of its headers (after the connection is made)
   * @param stall the window in which {@link BoundedBody#MIN_PROGRESS} of the body must arrive
   * @param wholeBody the longest time from the headers to the body's end, or null for none
   */
  private static HttpResponse<InputStream> exchange(String method, URI uri, Map<String, List<String>> headers,
      byte[] content, Supplier<SSLSocketFactory> tls, Duration connectTimeout, Duration responseTimeout, String source,
      String attempt, BoundedBody.Limit limit, Duration stall, Duration wholeBody) throws IOException {
    // one socket timeout serves the headers and each read of the body (HttpURLConnection applies
    // what was set before the request): the body's stall timeout, or the response timeout if shorter
    Duration socketTimeout = stall.compareTo(responseTimeout) < 0 ? stall : responseTimeout;
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
    if (c instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(tls.get());
    }
    c.setRequestMethod(method);
    c.setAuthenticator(NO_ANSWERS); // a default one set in this JVM would answer a 401 with its passwords
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setConnectTimeout(millis(connectTimeout));
    c.setReadTimeout(millis(socketTimeout));
    c.setRequestProperty("Accept", "*/*");
    headers.forEach((name, values) -> {
      c.setRequestProperty(name, values.get(0));
      values.stream().skip(1).forEach(v -> c.addRequestProperty(name, v));
    });
    if (content != null) {
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(content.length);
    }
    Watched watched = new Watched(c, Thread.currentThread());
    try {
      try {
        c.connect();
      } catch (SocketTimeoutException e) {
        throw new HttpConnectTimeoutException("connect timed out");
      }
      watched.headersBy(System.nanoTime() + responseTimeout.toNanos());
      int status;
      try {
        if (content != null) {
          try (var out = c.getOutputStream()) {
            out.write(content);
          }
        }
        status = c.getResponseCode();
      } catch (SocketTimeoutException e) {
        throw new HttpTimeoutException("request timed out");
      } catch (IOException e) {
        throw watched.fired() != null ? watched.headerFailure(source) : e;
      }
      watched.done(); // from here on only this thread touches the connection
      if (watched.fired() != null) {
        throw watched.headerFailure(source); // a disconnect mid-headers can read as a whole 200
      }
      if (status < 0) {
        throw new IOException("not an HTTP response from " + source);
      }
      boolean success = status >= 200 && status < 300;
      // getInputStream throws for an error status; a redirect's body is an ordinary stream
      InputStream raw = status >= 400 ? c.getErrorStream() : c.getInputStream();
      HttpHeaders responseHeaders = headers(c.getHeaderFields());
      BoundedBody.Limit applied = success ? limit : new BoundedBody.Limit(BoundedBody.ERROR_BODY, null);
      long deadline = wholeBody == null ? 0 : System.nanoTime() + wholeBody.toNanos();
      Body body = new Body(c, raw == null ? InputStream.nullInputStream() : raw, source, attempt, applied, stall,
          wholeBody, deadline, c.getContentLengthLong());
      return new Response<>(uri, status, responseHeaders, body);
    } catch (IOException | RuntimeException e) {
      watched.done();
      c.disconnect();
      throw e;
    }
  }

  /**
   * Bounds the wait for a response's headers as a whole: a socket timeout bounds one read, so
   * headers sent a byte at a time would go on for ever, and a thread blocked waiting for them does
   * not see an interrupt. One daemon thread looks at every request waiting for its headers each
   * {@link #PERIOD_MILLIS} and disconnects those past their deadline or whose thread was
   * interrupted; the blocked call then returns or throws, and the caller says why. (It cannot do
   * the same for a body: closing a connection whose body is being read waits for that read.)
   */
  private static final class Watchdog {
    static final long PERIOD_MILLIS = 50;
    private static final java.util.Set<Watched> WAITING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static boolean started;

    static void watch(Watched w) {
      WAITING.add(w);
      start();
    }

    static void forget(Watched w) {
      WAITING.remove(w);
    }

    private static synchronized void start() {
      if (!started) {
        // parked between rounds, never in native code: the JVM's exit does not wait for it
        Thread t = new Thread(Watchdog::run, "berth-http-watchdog");
        t.setDaemon(true);
        t.start();
        started = true;
      }
    }

    private static void run() {
      while (true) {
        java.util.concurrent.locks.LockSupport.parkNanos(PERIOD_MILLIS * 1_000_000);
        long now = System.nanoTime();
        for (Watched w : WAITING) {
          w.check(now);
        }
      }
    }
  }

  /** A request waiting for its headers, as the watchdog sees it. */
  private static final class Watched {
    enum Reason { TIMEOUT, INTERRUPT }

    private final HttpURLConnection connection;
    private final Thread caller;
    private volatile long deadline;
    private volatile boolean limited;
    private volatile Reason fired;
    private boolean done;

    Watched(HttpURLConnection connection, Thread caller) {
      this.connection = connection;
      this.caller = caller;
      Watchdog.watch(this);
    }

    /** The connection is made: the headers must come by then. */
    void headersBy(long deadlineNanos) {
      deadline = deadlineNanos;
      limited = true;
    }

    Reason fired() {
      return fired;
    }

    /** The headers came (or the request failed): after this the watchdog never touches the connection. */
    synchronized void done() {
      done = true;
      Watchdog.forget(this);
    }

    synchronized void check(long now) {
      if (done || fired != null) {
        return;
      }
      if (caller.isInterrupted()) {
        fire(Reason.INTERRUPT);
      } else if (limited && now - deadline >= 0) {
        fire(Reason.TIMEOUT);
      }
    }

    private void fire(Reason reason) {
      fired = reason;
      connection.disconnect(); // no body is being read yet: this closes the socket at once
    }

    IOException headerFailure(String source) {
      return fired == Reason.INTERRUPT
          ? new InterruptedIOException("interrupted while waiting for " + source)
          : new HttpTimeoutException("request timed out");
    }
  }

  /**
   * The response's headers as the JDK's HTTP client gives them: one name however it was spelled
   * ({@code X-Cache} and {@code x-cache} sent both are one header with both values; kept apart,
   * {@link HttpHeaders#of} refuses them), the status line left out.
   */
  static HttpHeaders headers(Map<String, List<String>> fields) {
    Map<String, List<String>> merged = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    fields.forEach((name, values) -> {
      if (name != null) {
        merged.computeIfAbsent(name, n -> new java.util.ArrayList<>()).addAll(values);
      }
    });
    return HttpHeaders.of(merged, (name, value) -> true);
  }

  /** A request body's bytes (a token form): the JDK's publishers of bytes and strings hand them over at once. */
  private static byte[] collect(HttpRequest.BodyPublisher publisher) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    publisher.subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
      @Override
      public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(java.nio.ByteBuffer item) {
        byte[] b = new byte[item.remaining()];
        item.get(b);
        out.writeBytes(b);
      }

      @Override
      public void onError(Throwable throwable) {
        done.completeExceptionally(throwable);
      }

      @Override
      public void onComplete() {
        done.complete(null);
      }
    });
    if (!done.isDone()) {
      throw new IllegalArgumentException("a request body that is not at hand: only small, in-memory bodies are sent this way");
    }
    done.join();
    return out.toByteArray();
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  /** The body: limits checked after each read, the connection kept for reuse only after a clean end. */
  private static final class Body extends InputStream {
    private final HttpURLConnection connection;
    private final InputStream in;
    private final String source;
    private final String attempt;
    private final BoundedBody.Limit limit;
    private final Duration stall;
    private final Duration wholeBody;
    private final long deadline;
    private final long announced;
    private long received;
    private long windowStart = System.nanoTime();
    private long windowBytes;
    private boolean eof;
    private boolean closed;
    private IOException failure;

    Body(HttpURLConnection connection, InputStream in, String source, String attempt, BoundedBody.Limit limit,
        Duration stall, Duration wholeBody, long deadline, long announced) {
      this.connection = connection;
      this.in = in;
      this.source = source;
      this.attempt = attempt;
      this.limit = limit;
      this.stall = stall;
      this.wholeBody = wholeBody;
      this.deadline = deadline;
      this.announced = announced;
      if (announced > limit.bytes()) {
        failure = tooLarge("announced " + announced + " bytes, more than " + BoundedBody.size(limit.bytes()) + why());
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (failure != null) {
        throw failure;
      }
      if (closed) {
        throw new IOException("stream closed");
      }
      if (eof) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      // never ask for more than one byte past the limit: that byte is the proof it was broken
      long allowed = limit.bytes() - received; // >= 0: a read past it has already failed
      int want = allowed >= len ? len : (int) allowed + 1;
      int n;
      try {
        n = in.read(b, off, want);
      } catch (SocketTimeoutException e) {
        throw fail(new BodyLimitException(BodyLimitException.Kind.STALLED, message(
            "no data from " + source + " for " + BoundedBody.duration(stall) + " (stall timeout)")));
      } catch (InterruptedIOException e) {
        throw fail(e);
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw fail(new InterruptedIOException(message("interrupted while reading the response of " + source)));
        }
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        throw fail(new BrokenConnectionException(
            message("the connection to " + source + " broke while reading the response: " + why), e));
      }
      if (Thread.currentThread().isInterrupted()) {
        // a blocked read does not see an interrupt (on a platform thread), but the next one does
        throw fail(new InterruptedIOException(message("interrupted while reading the response of " + source)));
      }
      if (n < 0) {
        if (announced >= 0 && received < announced) {
          throw fail(new BrokenConnectionException(message("the connection to " + source
              + " broke while reading the response: it ended after " + received + " of " + announced + " bytes"), null));
        }
        eof = true;
        return -1;
      }
      received += n;
      if (received > limit.bytes()) {
        throw fail(tooLarge("sent more than " + BoundedBody.size(limit.bytes()) + why()));
      }
      windowBytes += n;
      long now = System.nanoTime();
      if (wholeBody != null && now - deadline >= 0) {
        throw fail(new BodyLimitException(BodyLimitException.Kind.TOO_SLOW,
            message(source + " did not finish its response within " + BoundedBody.duration(wholeBody))));
      }
      if (now - windowStart >= stall.toNanos()) {
        if (windowBytes < BoundedBody.MIN_PROGRESS) {
          throw fail(new BodyLimitException(BodyLimitException.Kind.STALLED, message("only " + BoundedBody.size(windowBytes)
              + " from " + source + " in " + BoundedBody.duration(stall) + " (stall timeout)")));
        }
        windowStart = now;
        windowBytes = 0;
      }
      return n;
    }

    private String why() {
      return limit.why() == null ? "" : ", " + limit.why();
    }

    private BodyLimitException tooLarge(String what) {
      return new BodyLimitException(BodyLimitException.Kind.TOO_LARGE, message(source + " " + what));
    }

    private String message(String why) {
      return attempt == null ? why : "Tried to " + attempt + " but failed because: " + why;
    }

    private IOException fail(IOException e) {
      failure = e;
      connection.disconnect(); // a connection in an unknown state is not worth keeping
      return e;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      if (eof) {
        in.close(); // read to its end: the connection goes back to the JDK's keep-alive cache
      } else {
        connection.disconnect(); // dropped rather than drained
      }
    }
  }

  private record Response<T>(URI uri, int statusCode, HttpHeaders headers, T body) implements HttpResponse<T> {
    @Override
    public HttpRequest request() {
      return HttpRequest.newBuilder(uri).build();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
