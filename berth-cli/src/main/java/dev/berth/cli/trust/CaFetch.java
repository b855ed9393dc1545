package dev.berth.cli.trust;

import dev.berth.server.tls.AutoTls;
import dev.berth.server.tls.Pem;
import dev.berth.server.tls.TlsException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Fetches a registry's CA from {@code https://HOST:PORT/ca.crt} without trusting anything yet
 * (trust on first use, confirmed by fingerprint), and checks that the certificate the server
 * presents in that very handshake chains to that CA and names the host: a server that publishes
 * one CA but presents a certificate from another is refused.
 */
public final class CaFetch {
  static final int MAX_BYTES = 64 * 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** The CA and what the server presented. */
  public record Fetched(X509Certificate ca, String fingerprint, List<X509Certificate> presented) {}

  private CaFetch() {}

  /** @throws TrustException one line naming the server and what went wrong */
  public static Fetched fetch(String host, int port) {
    AtomicReference<X509Certificate[]> presented = new AtomicReference<>();
    String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    HttpClient client;
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new Recording(presented)}, null);
      client = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER).build();
    } catch (GeneralSecurityException e) {
      throw new TrustException("cannot set up TLS: " + e.getMessage());
    }
    String pem;
    try (client) {
      HttpResponse<InputStream> response = client.send(
          HttpRequest.newBuilder(URI.create("https://" + authority + "/ca.crt")).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_BYTES + 1);
      }
      if (response.statusCode() == 404) {
        throw new TrustException(authority + " publishes no CA at /ca.crt (is it 'berth serve --tls auto'? a"
            + " certificate from a public CA needs no 'berth trust')");
      }
      if (response.statusCode() != 200) {
        throw new TrustException("https://" + authority + "/ca.crt answered " + response.statusCode());
      }
      if (body.length > MAX_BYTES) {
        throw new TrustException("https://" + authority + "/ca.crt is larger than " + MAX_BYTES + " bytes: not a CA");
      }
      pem = new String(body, StandardCharsets.US_ASCII);
    } catch (HttpTimeoutException e) {
      throw new TrustException("no answer from " + authority + " within " + TIMEOUT.toSeconds() + " s");
    } catch (SSLException e) {
      throw new TrustException("no TLS at " + authority + " (" + e.getMessage() + "); is it 'berth serve --tls auto'?");
    } catch (IOException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new TrustException("cannot reach " + authority + ": " + m);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrustException("interrupted");
    }
    List<X509Certificate> certs;
    try {
      certs = Pem.parseCertificates(pem, "https://" + authority + "/ca.crt");
    } catch (TlsException e) {
      throw new TrustException(e.getMessage());
    }
    X509Certificate ca = certs.getFirst();
    if (certs.size() != 1 || ca.getBasicConstraints() < 0) {
      throw new TrustException("https://" + authority + "/ca.crt is not a single CA certificate");
    }
    X509Certificate[] chain = presented.get();
    if (chain == null || chain.length == 0) {
      throw new TrustException(authority + " presented no certificate");
    }
    verify(chain, ca, host, authority);
    return new Fetched(ca, Pem.fingerprint(ca), List.of(chain));
  }

  /** The presented chain must lead to the CA, and its first certificate must name {@code host}. */
  static void verify(X509Certificate[] chain, X509Certificate ca, String host, String authority) {
    try {
      List<X509Certificate> path = Arrays.stream(chain).filter(c -> !c.equals(ca)).toList();
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new TrustException("the certificate " + authority + " presents is not signed by the CA it publishes at"
          + " /ca.crt (" + e.getMessage() + "): refusing to trust it");
    }
    Set<String> names = AutoTls.namesOf(chain[0]);
    if (!covers(names, host)) {
      throw new TrustException("the certificate of " + authority + " does not name " + host + " (it names "
          + String.join(", ", names) + "), so clients would refuse it even with the CA; restart the server with"
          + " --hostname " + host);
    }
  }

  static boolean covers(Set<String> names, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.matches("[0-9.]+") || h.contains(":")) {
      try {
        String canonical = java.net.InetAddress.getByName(h).getHostAddress();
        return names.contains(canonical);
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    for (String n : names) {
      if (n.equals(h) || n.startsWith("*.") && h.endsWith(n.substring(1)) && h.indexOf('.') == h.length() - n.length() + 1) {
        return true;
      }
    }
    return false;
  }

  /** Trusts nothing and remembers the chain presented (nothing is sent before the CA is checked). */
  private static final class Recording extends X509ExtendedTrustManager {
    private final AtomicReference<X509Certificate[]> presented;

    Recording(AtomicReference<X509Certificate[]> presented) {
      this.presented = presented;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      presented.set(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      presented.set(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      presented.set(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
