package dev.berth.client;

import java.net.http.HttpClient;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The HTTP clients of a client command, made and ended so that they cost a short-lived process
 * nothing it does not use:
 * <ul>
 *   <li><b>TLS on first use.</b> An {@link HttpClient} builds its SSLContext when it is built, and
 *       the JDK's default one reads the CA certificates and sets up every TLS provider: about
 *       150 ms, for nothing when the registry is a plain-HTTP loopback one. {@link #deferredTls()}
 *       becomes the default context at the first TLS connection: the same engines, trust and
 *       protocols (the client's own parameters are left unset, so each engine keeps the default
 *       context's), and the HTTP client still turns on host name verification per connection.</li>
 *   <li><b>Shut down before exit.</b> A client's selector thread waits in native code, and the
 *       JVM's exit waits up to 300 ms for such threads before giving up on them: every command
 *       that had made a request took 0.3 s longer to end. {@link #shutdownAll} ends them first.</li>
 * </ul>
 */
public final class HttpClients {
  private static final SSLContext CONTEXT = new Context();
  private static final List<HttpClient> MADE = new CopyOnWriteArrayList<>();

  private HttpClients() {}

  public static SSLContext deferredTls() {
    return CONTEXT;
  }

  /** A client as Berth's registry calls want it: no automatic redirects, HTTP/1.1, TLS deferred. */
  public static HttpClient newClient() {
    return newClient(Duration.ofSeconds(30));
  }

  /** The same, with this connect timeout (the transport's {@code BERTH_CONNECT_TIMEOUT}). */
  public static HttpClient newClient(Duration connectTimeout) {
    HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .sslContext(CONTEXT)
        .build();
    MADE.add(client);
    return client;
  }

  /** Ends every client {@link #newClient} made (a process about to exit calls this). */
  public static void shutdownAll() {
    for (HttpClient client : MADE) {
      client.shutdownNow();
    }
    for (HttpClient client : MADE) {
      try {
        client.awaitTermination(Duration.ofMillis(200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    MADE.clear();
  }

  private static final class Context extends SSLContext {
    Context() {
      super(new Spi(), new Provider("berth-deferred-tls", "1", "the JDK's default TLS, made on first use") { }, "Default");
    }
  }

  private static final class Spi extends SSLContextSpi {
    private static final class Default {
      static final SSLContext CONTEXT = load();

      private static SSLContext load() {
        try {
          return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("the JDK has no default TLS context", e);
        }
      }
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("the default TLS context is not initialised by its users");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return Default.CONTEXT.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return Default.CONTEXT.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return Default.CONTEXT.createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return Default.CONTEXT.createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return Default.CONTEXT.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return Default.CONTEXT.getClientSessionContext();
    }

    /** Asked when a client is built: nothing set, so each engine keeps the default context's. */
    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return Default.CONTEXT.getSupportedSSLParameters();
    }
  }
}
