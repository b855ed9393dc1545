package dev.berth.client.registry;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.http.BoundedBody;
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
 *       ({@code BERTH_STALL_TIMEOUT}, default 30 s);
 *   <li>{@code insecure}: a registry may send us (by a redirect or an upload {@code Location}) to
 *       another origin over plain HTTP on a host that is not loopback; without it that is refused.
 * </ul>
 *
 * Durations in the environment are {@code 30}, {@code 30s}, {@code 500ms} or {@code 2m}.
 */
public final class TransportOptions {
  public static final String CONNECT_TIMEOUT = "BERTH_CONNECT_TIMEOUT";
  public static final String RESPONSE_TIMEOUT = "BERTH_RESPONSE_TIMEOUT";
  public static final String STALL_TIMEOUT = "BERTH_STALL_TIMEOUT";

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)?");

  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final Duration stallTimeout;
  private final boolean insecure;
  private final Predicate<String> loopback;

  private TransportOptions(Duration connect, Duration response, Duration stall, boolean insecure, Predicate<String> loopback) {
    this.connectTimeout = positive(connect, "connect timeout");
    this.responseTimeout = positive(response, "response timeout");
    this.stallTimeout = positive(stall, "stall timeout");
    this.insecure = insecure;
    this.loopback = Objects.requireNonNull(loopback);
  }

  public static TransportOptions defaults() {
    return new TransportOptions(Duration.ofSeconds(30), Duration.ofMinutes(2), BoundedBody.DEFAULT_STALL, false,
        RegistryEndpoint::isLoopback);
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
        false, d.loopback);
  }

  public TransportOptions withInsecure(boolean allow) {
    return new TransportOptions(connectTimeout, responseTimeout, stallTimeout, allow, loopback);
  }

  public TransportOptions withStallTimeout(Duration stall) {
    return new TransportOptions(connectTimeout, responseTimeout, stall, insecure, loopback);
  }

  public TransportOptions withResponseTimeout(Duration response) {
    return new TransportOptions(connectTimeout, response, stallTimeout, insecure, loopback);
  }

  /** Tests only: which hosts count as loopback (two loopback addresses stand for two machines). */
  TransportOptions withLoopback(Predicate<String> isLoopback) {
    return new TransportOptions(connectTimeout, responseTimeout, stallTimeout, insecure, isLoopback);
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

  boolean isLoopback(String authority) {
    return loopback.test(authority);
  }

  /** A client as the transport expects: no automatic redirects (we decide where auth goes), our connect timeout. */
  public HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .build();
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
