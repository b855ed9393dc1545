package dev.berth.client;

import dev.berth.client.tls.DeferredTls;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The one place Berth's HTTP clients are built, made and ended so that they cost a short-lived
 * process nothing it does not use:
 * <ul>
 *   <li><b>TLS on first use.</b> Every client gets a {@link DeferredTls} context: the JDK's default
 *       one ({@link #newClient(Duration)}), or the one a registry's certs.d and {@code --insecure}
 *       call for ({@link dev.berth.client.registry.TransportOptions#newHttpClient(String)} via
 *       {@link #newClient(Duration, SSLContext)}). Either is set up at the first TLS connection,
 *       not when the client is built: about 150 ms saved when the registry is plain-HTTP loopback.</li>
 *   <li><b>Shut down before exit.</b> A client's selector thread waits in native code, and the
 *       JVM's exit waits up to 300 ms for such threads before giving up on them: every command
 *       that had made a request took 0.3 s longer to end. {@link #shutdownAll} ends them first.</li>
 * </ul>
 * All are HTTP/1.1 and never follow redirects on their own: the transport decides where
 * credentials may go.
 */
public final class HttpClients {
  /**
   * What was made, weakly held: a long-lived process (a test run) that drops its clients lets
   * the JDK end their threads; what is still in use is there for {@link #shutdownAll}.
   */
  private static final List<WeakReference<HttpClient>> MADE = new ArrayList<>();

  /** How long a connection may take to open, unless the caller says otherwise. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private HttpClients() {}

  /** A client with the default connect timeout (30 s) and the JDK's default trust, TLS deferred. */
  public static HttpClient newClient() {
    return newClient(DEFAULT_CONNECT_TIMEOUT);
  }

  /** The same, with this connect timeout (the transport's {@code BERTH_CONNECT_TIMEOUT}). */
  public static HttpClient newClient(Duration connectTimeout) {
    return newClient(connectTimeout, DeferredTls.systemDefault());
  }

  /** The same, with this TLS context (a {@link DeferredTls}, so it too is made on first use). */
  public static HttpClient newClient(Duration connectTimeout, SSLContext tls) {
    HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .sslContext(tls)
        .build();
    synchronized (MADE) {
      MADE.removeIf(r -> r.get() == null);
      MADE.add(new WeakReference<>(client));
    }
    return client;
  }

  /** Ends every client {@link #newClient} made that is still around (a command that is done calls this). */
  public static void shutdownAll() {
    List<HttpClient> clients = new ArrayList<>();
    synchronized (MADE) {
      for (WeakReference<HttpClient> r : MADE) {
        HttpClient c = r.get();
        if (c != null) {
          clients.add(c);
        }
      }
      MADE.clear();
    }
    for (HttpClient client : clients) {
      client.shutdownNow();
    }
    for (HttpClient client : clients) {
      try {
        client.awaitTermination(Duration.ofMillis(200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
