package dev.berth.client.tls;

import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
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
 * A TLS context made on its first use. An {@link java.net.http.HttpClient} asks for its context
 * when it is built, and the JDK's default one reads the CA certificates and sets up every TLS
 * provider: about 150 ms of every registry command, for nothing when the registry is a plain-HTTP
 * loopback one. This stands in for the real context (the JDK's default, or one trusting a
 * registry's certs.d CAs) and makes it at the first TLS connection. The client's own parameters
 * are left unset, so each engine keeps the real context's protocols and ciphers; the HTTP client
 * still turns host name verification on per connection.
 */
public final class DeferredTls extends SSLContext {
  /** Makes the real context; runs at most once, at the first TLS connection. */
  @FunctionalInterface
  public interface Maker {
    SSLContext make() throws GeneralSecurityException;
  }

  /** Made when first asked for (a class is initialised on first use). */
  private static final class Holder {
    static final DeferredTls DEFAULT = new DeferredTls(SSLContext::getDefault, "the JDK's default TLS", "Default");
  }

  private DeferredTls(Maker maker, String what, String protocol) {
    super(new Spi(maker, what), new Provider("berth-deferred-tls", "1", what + ", made on first use") { }, protocol);
  }

  /** The JDK's default context (system CAs), made on first use; one for the whole process. */
  public static SSLContext systemDefault() {
    return Holder.DEFAULT;
  }

  /**
   * The context {@code maker} makes, on first use; {@code what} names it in the error a failure
   * then raises (a certificate problem is found before, when the certs.d files are read).
   */
  public static SSLContext of(String what, Maker maker) {
    return new DeferredTls(maker, what, "TLS");
  }

  private static final class Spi extends SSLContextSpi {
    private final Maker maker;
    private final String what;
    private volatile SSLContext real;
    /** One factory for the context's life: the JDK's HTTPS keep-alive cache reuses a connection only for the same one. */
    private volatile SSLSocketFactory sockets;

    Spi(Maker maker, String what) {
      this.maker = maker;
      this.what = what;
    }

    private SSLContext real() {
      SSLContext r = real;
      if (r == null) {
        synchronized (this) {
          r = real;
          if (r == null) {
            try {
              r = maker.make();
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK has no TLS context for " + what, e);
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("cannot set up " + what + ": " + e.getMessage(), e);
            }
            real = r;
          }
        }
      }
      return r;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("a deferred TLS context is made by its maker, not initialised by its users");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      SSLSocketFactory f = sockets;
      if (f == null) {
        f = real().getSocketFactory();
        sockets = f;
      }
      return f;
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return real().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return real().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real().getClientSessionContext();
    }

    /** Asked when a client is built: nothing set, so each engine keeps the real context's. */
    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real().getSupportedSSLParameters();
    }
  }
}
