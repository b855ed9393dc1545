package dev.berth.client.auth;

import dev.berth.client.http.BodyLimitException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/** Turns the JDK's network exceptions (often without a message) into a few plain words. */
final class NetworkFailure {
  private NetworkFailure() {}

  static String describe(IOException e, String host) {
    if (e instanceof BodyLimitException) {
      return e.getMessage(); // already names the server and the limit
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host " + host;
      }
    }
    if (e instanceof HttpConnectTimeoutException) {
      return "connection to " + host + " timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return host + " did not answer in time";
    }
    java.util.Optional<String> tls = dev.berth.client.tls.TlsFailure.describe(e, host,
        dev.berth.client.tls.CertsDirectories.fromEnv(System.getenv()));
    if (tls.isPresent()) {
      return tls.get();
    }
    if (e instanceof ConnectException) {
      return "connection to " + host + " refused";
    }
    String m = e.getMessage();
    return "connection to " + host + " failed: " + (m == null ? e.getClass().getSimpleName() : m);
  }
}
