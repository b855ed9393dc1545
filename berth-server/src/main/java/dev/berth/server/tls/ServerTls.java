package dev.berth.server.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The registry's TLS: the certificate and key in force (from files, or from {@link AutoTls}),
 * the client CAs of mutual TLS, and the engine. {@link #refresh} re-reads them when the files
 * change (a renewal needs no restart) or an automatic certificate is due; the server then hands
 * the new {@link #options()} to its listeners. A change that cannot be used keeps the previous
 * certificate in force and says why, once.
 */
public final class ServerTls {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  private final TlsSettings settings;
  private final Path autoDir;
  private final Set<String> autoNames;
  private final Consumer<String> log;
  private final SSLEngineOptions engine;
  private volatile Loaded current;
  private volatile Object stamp;

  /** What is in force. */
  private record Loaded(ServerSSLOptions options, List<X509Certificate> chain, X509Certificate ca) {}

  private ServerTls(TlsSettings settings, Path autoDir, Set<String> autoNames, Consumer<String> log) {
    this.settings = settings;
    this.autoDir = autoDir;
    this.autoNames = autoNames;
    this.log = log;
    this.engine = chooseEngine(settings.engine());
  }

  /**
   * Loads the certificate (making it with {@code --tls auto}); a file that cannot be used fails
   * with a {@link TlsException} naming it.
   *
   * @param autoDir where {@code --tls auto} keeps its CA ({@code <storage>/tls})
   * @param listenHost the address the registry binds (the automatic certificate names it)
   */
  public static ServerTls open(TlsSettings settings, Path autoDir, String listenHost, Consumer<String> log) {
    Set<String> names = settings.mode() == TlsSettings.Mode.AUTO ? AutoTls.names(listenHost, settings.hostnames()) : Set.of();
    ServerTls tls = new ServerTls(settings, autoDir, names, log);
    tls.stamp = tls.stampNow();
    tls.current = tls.load(Instant.now(), true);
    return tls;
  }

  public ServerSSLOptions options() {
    return current.options().copy();
  }

  public SSLEngineOptions engine() {
    return engine;
  }

  /** "OpenSSL (BoringSSL)" or "JDK". */
  public String engineName() {
    return engine instanceof OpenSSLEngineOptions ? "OpenSSL (BoringSSL)" : "JDK";
  }

  public boolean mutual() {
    return !settings.clientCas().isEmpty();
  }

  /** The CA clients should trust (PEM), published at {@code /ca.crt}; null unless {@code --tls auto}. */
  public String caPem() {
    Loaded l = current;
    return l.ca() == null ? null : Pem.certificates(List.of(l.ca()));
  }

  /** The CA's SHA-256 fingerprint, or null unless {@code --tls auto}. */
  public String caFingerprint() {
    Loaded l = current;
    return l.ca() == null ? null : Pem.fingerprint(l.ca());
  }

  public X509Certificate certificate() {
    return current.chain().getFirst();
  }

  /** The names the certificate in force covers, for the start-up lines. */
  public Set<String> names() {
    return AutoTls.namesOf(certificate());
  }

  public String expires() {
    return DAY.format(certificate().getNotAfter().toInstant());
  }

  /**
   * Re-reads the certificate if its files changed, or makes a new automatic one when due.
   *
   * @param force re-read even if nothing seems to have changed (SIGHUP)
   * @return whether {@link #options()} changed
   */
  public synchronized boolean refresh(boolean force) {
    Object now = stampNow();
    boolean changed = !now.equals(stamp);
    boolean due = settings.mode() == TlsSettings.Mode.AUTO && AutoTls.renewalDue(certificate(), Instant.now());
    if (!changed && !due && !force) {
      return false;
    }
    stamp = now;
    try {
      Loaded next = load(Instant.now(), false);
      boolean different = !next.chain().getFirst().equals(current.chain().getFirst()) || !next.options().equals(current.options());
      current = next;
      if (different) {
        log.accept("TLS certificate " + describe() + " reloaded (expires " + expires() + ")");
      }
      return different;
    } catch (TlsException e) {
      log.accept("warning: TLS certificate " + describe() + " changed but cannot be used, keeping the previous one: "
          + e.getMessage());
      return false;
    }
  }

  private String describe() {
    return settings.mode() == TlsSettings.Mode.AUTO ? AutoTls.certificateFile(autoDir).toString()
        : settings.certificate().toString();
  }

  private Loaded load(Instant now, boolean starting) {
    List<X509Certificate> chain;
    PrivateKey key;
    X509Certificate ca = null;
    if (settings.mode() == TlsSettings.Mode.AUTO) {
      AutoTls.Material m = AutoTls.ensure(autoDir, autoNames, now);
      chain = m.chain();
      key = m.key();
      ca = m.ca();
      if (m.newCa() && !starting) {
        log.accept("warning: a new CA was made in " + autoDir + ": clients must run berth trust again");
      }
      stamp = stampNow(); // what ensure wrote is not a change from outside
    } else {
      chain = Pem.readCertificates(settings.certificate());
      key = Pem.readPrivateKey(settings.key());
      if (!Pem.matches(key, chain.getFirst())) {
        throw new TlsException("the key in " + settings.key() + " does not belong to the certificate in "
            + settings.certificate() + " (" + chain.getFirst().getSubjectX500Principal().getName() + ")");
      }
      if (chain.getFirst().getNotAfter().toInstant().isBefore(now)) {
        log.accept("warning: the TLS certificate in " + settings.certificate() + " expired on "
            + DAY.format(chain.getFirst().getNotAfter().toInstant()) + ": clients will refuse it");
      }
    }
    ServerSSLOptions options = new ServerSSLOptions()
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertValue(Buffer.buffer(Pem.certificates(chain)))
            .setKeyValue(Buffer.buffer(Pem.privateKey(key))))
        .setUseAlpn(false);
    if (!settings.clientCas().isEmpty()) {
      PemTrustOptions trust = new PemTrustOptions();
      for (Path bundle : settings.clientCas()) {
        for (X509Certificate c : Pem.readCertificates(bundle)) {
          trust.addCertValue(Buffer.buffer(Pem.certificates(List.of(c))));
        }
      }
      options.setTrustOptions(trust).setClientAuth(ClientAuth.REQUIRED);
    }
    return new Loaded(options, chain, ca);
  }

  /** Size, time and inode of every file in use (links followed: certbot renews through links). */
  private Object stampNow() {
    List<Path> files = new ArrayList<>();
    if (settings.mode() == TlsSettings.Mode.FILES) {
      files.add(settings.certificate());
      files.add(settings.key());
    } else if (settings.mode() == TlsSettings.Mode.AUTO) {
      files.add(AutoTls.certificateFile(autoDir));
      files.add(AutoTls.keyFile(autoDir));
      files.add(AutoTls.caFile(autoDir));
    }
    files.addAll(settings.clientCas());
    List<Object> stamps = new ArrayList<>();
    for (Path f : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        stamps.add(Arrays.asList(f, a.lastModifiedTime(), a.size(), a.fileKey()));
      } catch (IOException e) {
        stamps.add(Arrays.asList(f, "missing"));
      }
    }
    return stamps;
  }

  /**
   * AUTO: BoringSSL through netty-tcnative when its native library loads here (measured faster
   * than the JDK's engine, see bench/tls-bench.sh), else the JDK's.
   */
  static SSLEngineOptions chooseEngine(TlsSettings.Engine asked) {
    return switch (asked) {
      case JDK -> new JdkSSLEngineOptions();
      case OPENSSL -> {
        if (!OpenSSLEngineOptions.isAvailable()) {
          throw new TlsException("--tls-engine openssl: the OpenSSL (BoringSSL) library cannot be loaded on this"
              + " machine: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
        }
        yield new OpenSSLEngineOptions().setSessionCacheEnabled(true);
      }
      case AUTO -> OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions().setSessionCacheEnabled(true)
          : new JdkSSLEngineOptions();
    };
  }
}
