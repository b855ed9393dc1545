package dev.berth.client.tls;

import java.io.IOException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Turns the JDK's TLS failures into one line that names the registry and says what to do: the
 * directory for its CA certificate or client certificate, or {@code --insecure}.
 */
public final class TlsFailure {
  private TlsFailure() {}

  /** A message when {@code e} is a TLS failure talking to {@code authority}, else empty. */
  public static Optional<String> describe(IOException e, String authority, CertsDirectories dirs) {
    SSLException ssl = null;
    StringBuilder all = new StringBuilder();
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException s && ssl == null) {
        ssl = s;
      }
      if (t.getMessage() != null) {
        all.append(t.getMessage()).append('\n');
      }
      root = t;
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
          || (t instanceof CertPathValidatorException v && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
              || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID))) {
        return Optional.of("TLS: the certificate of " + authority + " has expired or is not yet valid ("
            + t.getMessage() + "); the registry needs a current certificate (--insecure skips verification)");
      }
    }
    if (ssl == null) {
      return Optional.empty();
    }
    String text = all.toString().toLowerCase(Locale.ROOT);
    Object dir = dirs.suggestion(authority);
    if (text.contains("unrecognized ssl message") || text.contains("plaintext connection")) {
      return Optional.of("TLS: " + authority + " does not speak HTTPS; if it is a plain-HTTP registry, use --insecure");
    }
    if (text.contains("pkix path") || text.contains("unable to find valid certification path")
        || text.contains("signature check failed") || text.contains("path does not chain")) {
      return Optional.of("TLS: the certificate of " + authority + " is signed by an unknown authority; put the"
          + " registry's CA certificate in " + dir + "/ca.crt (or use --insecure to skip verification)");
    }
    if (text.contains("no subject alternative") || text.contains("no name matching")) {
      return Optional.of("TLS: the certificate of " + authority + " is not valid for that name ("
          + firstLine(root.getMessage()) + "); the registry needs a certificate naming " + authority
          + " (--insecure skips verification)");
    }
    if (text.contains("bad_certificate") || text.contains("certificate_required") || text.contains("unknown_ca")
        || text.contains("handshake_failure") && text.contains("certificate")) {
      return Optional.of("TLS: " + authority + " refused the connection without a client certificate it accepts;"
          + " put client.cert and client.key in " + dir + "/");
    }
    return Optional.of("TLS handshake with " + authority + " failed: " + firstLine(ssl.getMessage()));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no details";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
