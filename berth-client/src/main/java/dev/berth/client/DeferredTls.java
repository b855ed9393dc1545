package dev.berth.client;

import java.net.http.HttpClient;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Duration;
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
 * The JDK's default TLS context, made only when a connection first needs TLS. An
 * {@link HttpClient} builds its SSLContext when it is built, and the default one reads the JDK's
 * CA certificates and sets up every TLS provider: about 150 ms, which a command that talks only
 * to a plain-HTTP loopback registry (or to none) would pay for nothing. Every TLS connection gets
 * the default context's engine, trust and protocols, exactly as with the default client; the
 * client's own parameters (cipher suites, protocols) are left unset, which makes each engine keep
 * the default context's, and the HTTP client still turns on host name verification per connection.
 */
public final class DeferredTls {
  private static final SSLContext CONTEXT = new Context();

  private DeferredTls() {}

  public static SSLContext context() {
    return CONTEXT;
  }

  /** A client as Berth's registry calls want it: no automatic redirects, HTTP/1.1, TLS deferred. */
  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30))
        .sslContext(CONTEXT)
        .build();
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
