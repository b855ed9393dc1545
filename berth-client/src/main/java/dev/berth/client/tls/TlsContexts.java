package dev.berth.client.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context for one registry: the system's trusted CAs plus the {@code *.crt} of its
 * {@link CertsDirectories} directories, and the client certificate found there; or, with
 * {@code insecure}, no verification at all (the only way to skip it). Contexts are
 * {@link DeferredTls}: made at the first TLS connection.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * The context for {@code hostPort}, set up at its first TLS connection ({@link DeferredTls}):
   * what is slow (the system's CAs, the TLS providers) waits until a connection needs it; the
   * certs.d files are read now, so a bad one is a one-line error before anything is sent.
   *
   * @throws TlsSetupException naming the file when a certificate or key there cannot be read
   */
  public static SSLContext forHost(String hostPort, CertsDirectories dirs, boolean insecure) throws TlsSetupException {
    try {
      List<Path> found = dirs.forHost(hostPort);
      KeyManager[] keys = clientKeys(found);
      if (insecure) {
        return DeferredTls.of("TLS without verification for " + hostPort, () -> {
          SSLContext context = SSLContext.getInstance("TLS");
          context.init(keys, new TrustManager[] {new TrustAll()}, null);
          return context;
        });
      }
      if (found.isEmpty() && keys == null) {
        return DeferredTls.systemDefault();
      }
      List<Certificate> cas = new ArrayList<>();
      for (Path dir : found) {
        for (Path crt : files(dir, "*.crt")) {
          cas.addAll(certificates(crt));
        }
      }
      return DeferredTls.of("TLS for " + hostPort, () -> {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust(cas), null);
        return context;
      });
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException("cannot set up TLS for " + hostPort + ": " + e.getMessage());
    }
  }

  /** The system's CAs and {@code cas}. */
  private static TrustManager[] trust(List<Certificate> cas) throws GeneralSecurityException {
    TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    system.init((KeyStore) null);
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int n = 0;
    for (TrustManager tm : system.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        for (X509Certificate ca : x.getAcceptedIssuers()) {
          store.setCertificateEntry("system-" + n++, ca);
        }
      }
    }
    for (Certificate c : cas) {
      store.setCertificateEntry("certs.d-" + n++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf.getTrustManagers();
  }

  /** The first {@code NAME.cert} with a {@code NAME.key} beside it, as docker pairs them. */
  private static KeyManager[] clientKeys(List<Path> dirs) throws GeneralSecurityException, TlsSetupException {
    for (Path dir : dirs) {
      for (Path cert : files(dir, "*.cert")) {
        String name = cert.getFileName().toString();
        Path key = dir.resolve(name.substring(0, name.length() - ".cert".length()) + ".key");
        if (!Files.isRegularFile(key)) {
          throw new TlsSetupException("client certificate " + cert + " has no key beside it (expected " + key + ")");
        }
        Collection<? extends Certificate> chain = certificates(cert);
        PrivateKey privateKey = PemKeys.read(key);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
          store.load(null, null);
        } catch (IOException e) {
          throw new GeneralSecurityException(e);
        }
        char[] none = new char[0];
        store.setKeyEntry("client", privateKey, none, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, none);
        return kmf.getKeyManagers();
      }
    }
    return null;
  }

  private static List<Path> files(Path dir, String glob) throws TlsSetupException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new TlsSetupException("cannot read " + dir + ": " + e.getMessage());
    }
    out.sort(null);
    return out;
  }

  private static Collection<? extends Certificate> certificates(Path file) throws TlsSetupException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new TlsSetupException("no certificate in " + file);
      }
      return certs;
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsSetupException("cannot read the certificate " + file + ": " + e.getMessage());
    }
  }

  /** Accepts every certificate for every name: what {@code --insecure} asks for, and nothing else uses. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
