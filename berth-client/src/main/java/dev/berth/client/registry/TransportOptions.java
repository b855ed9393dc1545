package dev.berth.client.registry;

import dev.berth.client.HttpClients;
import dev.berth.client.RegistryEndpoint;
import dev.berth.client.http.BoundedBody;
import dev.berth.client.tls.CertsDirectories;
import dev.berth.client.tls.TlsContexts;
import dev.berth.client.tls.TlsSetupException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How patient and how trusting the transport is.
 *
 * <ul>
 *   <li>{@code connectTimeout}: to open a connection ({@code BERTH_CONNECT_TIMEOUT}, default 30 s);
 *   <li>{@code responseTimeout}: from a request (sent in full) to its response headers, and for a
 *       body read into memory (a manifest, an error) from the headers to its end
 *       ({@code BERTH_RESPONSE_TIMEOUT}, default 2 min);
 *   <li>{@code stallTimeout}: the longest wait for the next bytes of any body, blobs included
 *       ({@code BERTH_STALL_TIMEOUT}, default 30 s); a blob download waits for its headers no
 *       longer either (one socket timeout serves both there: see {@code BlockingHttp});
 *   <li>{@code insecure}: a registry may send us (by a redirect or an upload {@code Location}) to
 *       another origin over plain HTTP on a host that is not loopback; without it that is refused.
 *       It is also the only way to skip TLS verification, and to talk plain HTTP to a registry
 *       that is not on loopback;
 *   <li>{@code retry}: when failed calls are tried again ({@link RetryPolicy});
 *   <li>{@code certsDirectories}: where per-registry CA and client certificates live
 *       ({@link CertsDirectories}, {@code BERTH_CERTS_DIRS}).
 * </ul>
 *
 * {@code BERTH_RETRIES} (0 to 10, default 4) says how many times a failed call is tried again.
 * Durations in the environment are {@code 30}, {@code 30s}, {@code 500ms} or {@code 2m}.
 */
public final class TransportOptions {
  public static final String CONNECT_TIMEOUT = "BERTH_CONNECT_TIMEOUT";
  public static final String RESPONSE_TIMEOUT = "BERTH_RESPONSE_TIMEOUT";
  public static final String STALL_TIMEOUT = "BERTH_STALL_TIMEOUT";
  public static final String RETRIES = "BERTH_RETRIES";

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)?");

  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final Duration stallTimeout;
  private final boolean insecure;
  private final Predicate<String> loopback;
  private final RetryPolicy retry;
  private final CertsDirectories certs;

  private TransportOptions(Duration connect, Duration response, Duration stall, boolean insecure, Predicate<String> loopback,
      RetryPolicy retry, CertsDirectories certs) {
    this.connectTimeout = positive(connect, "connect timeout");
    this.responseTimeout = positive(response, "response timeout");
    this.stallTimeout = positive(stall, "stall timeout");
    this.insecure = insecure;
    this.loopback = Objects.requireNonNull(loopback);
    this.retry = Objects.requireNonNull(retry);
    this.certs = Objects.requireNonNull(certs);
  }

  public static TransportOptions defaults() {
    return new TransportOptions(Duration.ofSeconds(30), Duration.ofMinutes(2), BoundedBody.DEFAULT_STALL, false,
        RegistryEndpoint::isLoopback, RetryPolicy.defaults(), CertsDirectories.fromEnv(Map.of()));
  }

  /**
   * The defaults, with the timeouts the environment sets.
   *
   * @throws IllegalArgumentException naming the variable and its bad value
   */
  public static TransportOptions fromEnv(Map<String, String> env) {
    TransportOptions d = defaults();
    return new TransportOptions(
        duration(env, CONNECT_TIMEOUT, d.connectTimeout),
        duration(env, RESPONSE_TIMEOUT, d.responseTimeout),
        duration(env, STALL_TIMEOUT, d.stallTimeout),
        false, d.loopback, retries(env, d.retry), CertsDirectories.fromEnv(env));
  }

  /** {@code BERTH_RETRIES}: how many times a failed call is tried again (0 to 10, default 4). */
  private static RetryPolicy retries(Map<String, String> env, RetryPolicy fallback) {
    String text = env.get(RETRIES);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    if (!text.strip().matches("[0-9]|10")) {
      throw new IllegalArgumentException("invalid " + RETRIES + ": " + text + " (expected a number of retries from 0 to 10)");
    }
    return new RetryPolicy(Integer.parseInt(text.strip()) + 1, fallback.firstDelay(), fallback.maxDelay(), fallback.maxTotal());
  }

  public TransportOptions withInsecure(boolean allow) {
    return new TransportOptions(connectTimeout, responseTimeout, stallTimeout, allow, loopback, retry, certs);
  }

  public TransportOptions withStallTimeout(Duration stall) {
    return new TransportOptions(connectTimeout, responseTimeout, stall, insecure, loopback, retry, certs);
  }

  public TransportOptions withResponseTimeout(Duration response) {
    return new TransportOptions(connectTimeout, response, stallTimeout, insecure, loopback, retry, certs);
  }

  public TransportOptions withRetry(RetryPolicy policy) {
    return new TransportOptions(connectTimeout, responseTimeout, stallTimeout, insecure, loopback, policy, certs);
  }

  public TransportOptions withCertsDirectories(CertsDirectories dirs) {
    return new TransportOptions(connectTimeout, responseTimeout, stallTimeout, insecure, loopback, retry, dirs);
  }

  /** Tests only: which hosts count as loopback (two loopback addresses stand for two machines). */
  public TransportOptions withLoopback(Predicate<String> isLoopback) {
    return new TransportOptions(connectTimeout, responseTimeout, stallTimeout, insecure, isLoopback, retry, certs);
  }

  public RetryPolicy retry() {
    return retry;
  }

  public CertsDirectories certsDirectories() {
    return certs;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration responseTimeout() {
    return responseTimeout;
  }

  public Duration stallTimeout() {
    return stallTimeout;
  }

  public boolean insecure() {
    return insecure;
  }

  public boolean isLoopback(String authority) {
    return loopback.test(authority);
  }

  /**
   * A client as the transport expects (see {@link HttpClients}: no automatic redirects, so we
   * decide where auth goes; TLS set up on first use; shut down before exit), our connect timeout,
   * the JDK's default trust.
   */
  public HttpClient newHttpClient() {
    return HttpClients.newClient(connectTimeout);
  }

  /**
   * A client for one registry ({@code host:port}): as {@link #newHttpClient()}, trusting the
   * system's CAs and that registry's certs.d certificates, presenting its client certificate;
   * with {@link #insecure()}, verifying nothing. The certs.d files are read now; the TLS context
   * is made at the first TLS connection.
   *
   * @throws TlsSetupException naming a certificate or key file that cannot be used
   */
  public HttpClient newHttpClient(String registryHost) throws TlsSetupException {
    return HttpClients.newClient(connectTimeout, TlsContexts.forHost(registryHost, certs, insecure));
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("invalid " + name + ": " + text
          + " (expected a positive duration such as 30, 30s, 500ms or 2m)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static Duration positive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("the " + what + " must be positive: " + d);
    }
    return d;
  }
}
