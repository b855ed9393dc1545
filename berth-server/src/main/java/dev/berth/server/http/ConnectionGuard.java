package dev.berth.server.http;

import dev.berth.model.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps hostile connections from taking the server: a limit on open connections and a deadline
 * for request headers. Installed on every connection of every listening server instance.
 *
 * <ul>
 *   <li>Up to {@code maxConnections} connections are served normally. The next
 *       {@link #HEALTH_RESERVE} may ask for {@code /healthz} only (with a short header deadline,
 *       so idle ones cannot keep that room); anything else they ask is answered 503 UNAVAILABLE
 *       and the connection closed. Beyond that a connection gets a 503 at once and is closed
 *       without being read. So a burst never takes the descriptors that files and health checks
 *       need, and the server is back to normal the moment the burst ends.
 *   <li>A request's headers must be complete within {@code headerTimeout} of their first byte
 *       (for a connection's first request, of the connection's start); else 408 and the
 *       connection is closed. Idle keep-alive connections between requests are left to the
 *       idle timeout.
 * </ul>
 *
 * <p>The header deadline lives in the connection's Netty pipeline, around Vert.x's HTTP decoder
 * ({@value #DECODER}): it needs to see bytes arrive before a request exists. If a Vert.x upgrade
 * renames that handler, the server says so at the first connection (and the slow-header tests
 * fail) rather than silently losing the deadline.
 */
public final class ConnectionGuard {
  /** Connections past the limit that may still ask for health. */
  public static final int HEALTH_RESERVE = 8;
  static final Duration RESERVE_HEADER_TIMEOUT = Duration.ofSeconds(2);
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  /** Vert.x's names in an HTTP/1.x pipeline. */
  static final String DECODER = "httpDecoder";
  static final String VERTX_HANDLER = "handler";
  private static final AttributeKey<Tracker> TRACKER = AttributeKey.valueOf("berth-connection-tracker");

  private final int maxConnections;
  private final Duration headerTimeout;
  private final ErrorMapper errors;
  private final PrintStream log;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicBoolean warnedPipeline = new AtomicBoolean();
  /** When the limit was last reported (System.nanoTime, 0: never): once a minute at most. */
  private final AtomicLong lastWarned = new AtomicLong();

  public ConnectionGuard(int maxConnections, Duration headerTimeout, ErrorMapper errors, PrintStream log) {
    this.maxConnections = maxConnections;
    this.headerTimeout = headerTimeout;
    this.errors = errors;
    this.log = log;
  }

  /** Connections open now (for tests). */
  public int open() {
    return open.get();
  }

  /** For {@code HttpServer.connectionHandler}: counts the connection and applies the limits. */
  public void connected(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    Channel channel = base.channel();
    int n = open.incrementAndGet();
    channel.closeFuture().addListener(f -> open.decrementAndGet());
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
      if (warnedPipeline.compareAndSet(false, true)) {
        log.println("warning: unexpected Vert.x pipeline " + pipeline.names()
            + ": no header timeout or connection limit for such connections");
      }
      return;
    }
    boolean reserve = n > maxConnections;
    long now = System.nanoTime();
    long last = lastWarned.get();
    if (reserve && (last == 0 || now - last > WARN_EVERY_NANOS) && lastWarned.compareAndSet(last, now)) {
      log.println("warning: " + maxConnections + " connections open (the limit, --max-connections):"
          + " refusing more with 503 until some close");
    }
    Tracker tracker = new Tracker(channel, reserve ? min(RESERVE_HEADER_TIMEOUT, headerTimeout) : headerTimeout,
        reserve);
    pipeline.addBefore(DECODER, "berth-header-clock", tracker.bytes);
    pipeline.addBefore(VERTX_HANDLER, "berth-header-watch", tracker.messages);
    if (n > maxConnections + HEALTH_RESERVE) {
      tracker.refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, ErrorCode.UNAVAILABLE,
          "too many connections (limit " + maxConnections + "); try again shortly");
      return;
    }
    channel.attr(TRACKER).set(tracker);
    tracker.arm();
  }

  /**
   * A connection in the health reserve gets nothing but the probes: anything else it asks is
   * answered 503 and the connection closed. Call after the probes were served.
   *
   * @return whether the request was refused (and answered)
   */
  public boolean refuseReserved(HttpServerRequest request) {
    Tracker tracker = request.connection() instanceof ConnectionBase base ? base.channel().attr(TRACKER).get() : null;
    if (tracker != null && tracker.reserve) {
      errors.sendAndClose(request, ErrorCode.UNAVAILABLE, 503,
          "too many connections (limit " + maxConnections + "); try again shortly", Map.of("Retry-After", "1"));
      return true;
    }
    return false;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * One connection's header deadline, driven from two places in its pipeline: before the HTTP
   * decoder (bytes arrive: a request has started) and after it (a request's headers are
   * complete; its body ended; its response ended). The deadline runs only while no request is
   * in progress, so it never cuts a request or a response short. Event loop only.
   */
  private static final class Tracker {
    final Channel channel;
    final long timeoutNanos;
    final boolean reserve;
    private ScheduledFuture<?> deadline;
    /** Between a request's headers and the end of its body. */
    private boolean inRequest;
    /** Requests whose response has not ended yet (pipelining may queue more than one). */
    private int pending;
    private ChannelHandlerContext rawContext;

    Tracker(Channel channel, Duration timeout, boolean reserve) {
      this.channel = channel;
      this.timeoutNanos = timeout.toNanos();
      this.reserve = reserve;
    }

    final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        rawContext = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!inRequest && pending == 0 && deadline == null) {
          arm(); // the first bytes of a request after an idle keep-alive pause
        }
        ctx.fireChannelRead(msg);
      }
    };

    final ChannelDuplexHandler messages = new ChannelDuplexHandler() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
          disarm();
          inRequest = true;
          pending++;
        }
        if (msg instanceof LastHttpContent) {
          inRequest = false;
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !informational && pending > 0) {
          pending--; // a response ended (100 Continue is not one)
        }
        ctx.write(msg, promise);
      }
    };

    void arm() {
      deadline = channel.eventLoop().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    void disarm() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }

    private void expired() {
      deadline = null;
      if (inRequest || pending > 0 || !channel.isActive()) {
        return; // a request did arrive meanwhile; never answer across one in progress
      }
      refuse(HttpResponseStatus.REQUEST_TIMEOUT, ErrorCode.UNKNOWN, "request headers not received within "
          + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 1000.0 + " s; the connection is closed");
    }

    /**
     * Answers without reading (no request was decoded, so Vert.x has nothing to answer) and
     * closes. Written below the HTTP encoder, above any TLS.
     */
    void refuse(HttpResponseStatus status, ErrorCode code, String message) {
      String body = "{\"errors\":[{\"code\":\"" + code.name() + "\",\"message\":\"" + message + "\"}]}";
      String head = "HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
          + "Content-Type: application/json\r\n"
          + (status.code() == 503 ? "Retry-After: 1\r\n" : "")
          + "Connection: close\r\n"
          + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
      ChannelHandlerContext ctx = rawContext != null ? rawContext : channel.pipeline().firstContext();
      ctx.writeAndFlush(Unpooled.copiedBuffer(head + body, StandardCharsets.UTF_8))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
