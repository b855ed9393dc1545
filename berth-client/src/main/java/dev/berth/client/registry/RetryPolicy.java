package dev.berth.client.registry;

import dev.berth.client.auth.AuthenticationException;
import dev.berth.client.http.BodyLimitException;
import dev.berth.client.http.BrokenConnectionException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When a failed registry call is tried again, and after how long. Worth another try: the network
 * (a refused, dropped or timed-out connection, a stalled body), {@code 429}, {@code 408} and
 * {@code 5xx}. Never: {@code 401}, {@code 403}, {@code 404} or any other refusal, an unknown
 * host, a certificate problem, a body over its size limit, a digest mismatch.
 *
 * <p>The waits double from {@code firstDelay} (1, 2, 4, 8 s by default) up to {@code maxDelay}; a
 * {@code Retry-After} from the registry replaces the computed wait. There are at most
 * {@code maxAttempts} attempts, and the waits of one operation add up to at most
 * {@code maxTotal}: a registry that asks for longer is given up on, saying so.
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay, Duration maxTotal) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt is needed: " + maxAttempts);
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2));
  }

  /** One attempt, no retry. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /**
   * The wait before another attempt, after attempt number {@code attempt} (1-based) failed with
   * {@code failure} and the operation has already waited {@code waited}; empty: give up.
   */
  public Optional<Duration> delay(IOException failure, int attempt, Duration waited) {
    if (attempt >= maxAttempts || !isRetryable(failure)) {
      return Optional.empty();
    }
    Duration wait = backoff(attempt);
    if (failure instanceof RegistryException re && re.retryAfter().isPresent()) {
      wait = re.retryAfter().get();
    }
    if (waited.plus(wait).compareTo(maxTotal) > 0) {
      return Optional.empty();
    }
    return Optional.of(wait);
  }

  private Duration backoff(int attempt) {
    Duration wait = firstDelay;
    for (int i = 1; i < attempt && wait.compareTo(maxDelay) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxDelay) > 0 ? maxDelay : wait;
  }

  /** Whether {@code failure} may go away by itself (see the class comment). */
  public static boolean isRetryable(IOException failure) {
    if (failure instanceof RegistryException re) {
      int s = re.status();
      return s == 429 || s == 408 || (s >= 500 && s != 501 && s != 505);
    }
    if (failure instanceof RegistryUnreachableException u) {
      return u.kind().transient_();
    }
    if (failure instanceof BodyLimitException b) {
      return b.kind() != BodyLimitException.Kind.TOO_LARGE;
    }
    if (failure instanceof AuthenticationException a) {
      return a.kind() == AuthenticationException.Kind.UNREACHABLE;
    }
    return failure instanceof BrokenConnectionException;
  }

  /** {@code Retry-After: 120} or an HTTP date; nonsense and the past are ignored. */
  static Optional<Duration> parseRetryAfter(String value) {
    String v = value.strip();
    if (v.matches("[0-9]{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(Instant.now(), at);
      return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** {@code Retrying in 1 second}, {@code Retrying in 8 seconds}, as docker words it (a part of a second counts as one). */
  public static String retrying(Duration wait) {
    long s = (wait.toMillis() + 999) / 1000;
    return "Retrying in " + s + (s == 1 ? " second" : " seconds");
  }
}
