package dev.berth.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port in front of a real server (a registry), that breaks things on
 * purpose: it can cut one connection once it has carried so many bytes up (an upload) or down (a
 * download), or answer the next connections with a canned response (a {@code 503}) instead of
 * passing them on. It moves bytes only; it does not read HTTP (a canned answer goes out once the
 * client's request head has arrived, i.e. after a blank line).
 *
 * <pre>{@code
 * try (FaultyProxy proxy = FaultyProxy.start("127.0.0.1", registry.port())) {
 *   proxy.cutUploadAfter(3 << 20);     // the first connection to send more than 3 MiB is cut there
 *   ... push to proxy.host() ...
 *   assertThat(proxy.cuts()).isEqualTo(1);
 * }
 * }</pre>
 */
public final class FaultyProxy implements AutoCloseable {
  /** {@code 503 Service Unavailable} with {@code Retry-After: 1}, closing the connection. */
  public static final String UNAVAILABLE = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
      + "Content-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

  private final ServerSocket listener;
  private final String upstreamHost;
  private final int upstreamPort;
  private final AtomicLong cutUp = new AtomicLong(-1);
  private final AtomicLong cutDown = new AtomicLong(-1);
  private final AtomicInteger failing = new AtomicInteger();
  private volatile String canned = UNAVAILABLE;
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private FaultyProxy(ServerSocket listener, String upstreamHost, int upstreamPort) {
    this.listener = listener;
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
  }

  /** Listens on 127.0.0.1, a free port, passing connections on to {@code upstreamHost:upstreamPort}. */
  public static FaultyProxy start(String upstreamHost, int upstreamPort) {
    try {
      ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      FaultyProxy proxy = new FaultyProxy(s, upstreamHost, upstreamPort);
      Thread.ofVirtual().name("faulty-proxy-accept").start(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the proxy", e);
    }
  }

  /** {@code 127.0.0.1:PORT}: what clients should talk to. */
  public String host() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Once: the first connection to carry more than {@code bytes} from the client is cut right there. */
  public void cutUploadAfter(long bytes) {
    cutUp.set(bytes);
  }

  /** Once: the first connection to carry more than {@code bytes} to the client is cut right there. */
  public void cutDownloadAfter(long bytes) {
    cutDown.set(bytes);
  }

  /** The next {@code n} connections get {@link #UNAVAILABLE} instead of the server. */
  public void failNextConnections(int n) {
    failNextConnections(n, UNAVAILABLE);
  }

  /** The next {@code n} connections get {@code response} (raw HTTP, closing) instead of the server. */
  public void failNextConnections(int n, String response) {
    canned = response;
    failing.set(n);
  }

  /** Connections cut so far. */
  public int cuts() {
    return cuts.get();
  }

  /** Connections answered with the canned response so far. */
  public int cannedAnswers() {
    return answered.get();
  }

  /** Bytes passed on from clients to the server so far. */
  public long bytesUp() {
    return bytesUp.get();
  }

  /** Bytes passed on from the server to clients so far. */
  public long bytesDown() {
    return bytesDown.get();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    open.forEach(FaultyProxy::abort);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        connections.incrementAndGet();
        open.add(client);
        Thread.ofVirtual().name("faulty-proxy-conn").start(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        answerCanned(client);
        return;
      }
      Socket upstream = new Socket();
      open.add(upstream);
      upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
      Thread up = Thread.ofVirtual().start(() -> pump(client, upstream, cutUp, bytesUp));
      pump(upstream, client, cutDown, bytesDown);
      up.join();
    } catch (IOException e) {
      abort(client);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(client);
    }
  }

  /** Waits for the request head (a blank line), then answers and closes. */
  private void answerCanned(Socket client) throws IOException {
    client.setSoTimeout(5000);
    InputStream in = client.getInputStream();
    int state = 0;
    int read = 0;
    int b;
    while (state < 4 && read < 64 * 1024 && (b = in.read()) >= 0) {
      read++;
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    OutputStream out = client.getOutputStream();
    out.write(canned.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    answered.incrementAndGet();
    client.shutdownOutput();
    abortLater(client);
  }

  /** Copies {@code from} to {@code to}; when {@code cut} is armed and this stream passes it, cuts both. */
  private void pump(Socket from, Socket to, AtomicLong cut, AtomicLong total) {
    byte[] buffer = new byte[64 * 1024];
    long moved = 0;
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        long limit = cut.get();
        if (limit >= 0 && moved + n > limit && cut.compareAndSet(limit, -1)) {
          out.write(buffer, 0, (int) (limit - moved));
          out.flush();
          total.addAndGet(limit - moved);
          cuts.incrementAndGet();
          // closed, not reset: what was sent arrives (a reset may drop it from the peer's buffers),
          // then the stream ends where the cut is, as when the other side goes away
          close(to);
          close(from);
          return;
        }
        out.write(buffer, 0, n);
        moved += n;
        total.addAndGet(n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      abort(from);
      abort(to);
    }
  }

  private static void abortLater(Socket s) {
    Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      abort(s);
    });
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  /** Closes with a reset, as a dropped connection looks to the other side. */
  private static void abort(Socket s) {
    try {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
        s.close();
      }
    } catch (IOException ignored) {
      // already gone
    }
  }
}
