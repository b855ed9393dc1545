package dev.berth.client.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.client.auth.AuthenticationException;
import dev.berth.client.http.BodyLimitException;
import dev.berth.client.http.BrokenConnectionException;
import dev.berth.client.store.DigestMismatchException;
import dev.berth.model.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  static RegistryException status(int status) {
    return new RegistryException("pull manifest x", status, ErrorCode.UNKNOWN, "HTTP status " + status);
  }

  @Test
  void networkFailuresThrottlingAndServerErrorsAreRetriedRefusalsNever() {
    assertThat(RetryPolicy.isRetryable(status(503))).isTrue();
    assertThat(RetryPolicy.isRetryable(status(500))).isTrue();
    assertThat(RetryPolicy.isRetryable(status(429))).isTrue();
    assertThat(RetryPolicy.isRetryable(status(408))).isTrue();
    for (int never : new int[] {400, 401, 403, 404, 405, 416, 501}) {
      assertThat(RetryPolicy.isRetryable(status(never))).as("HTTP %d", never).isFalse();
    }
    assertThat(RetryPolicy.isRetryable(new BrokenConnectionException("broke", null))).isTrue();
    assertThat(RetryPolicy.isRetryable(new BodyLimitException(BodyLimitException.Kind.STALLED, "stall"))).isTrue();
    assertThat(RetryPolicy.isRetryable(new BodyLimitException(BodyLimitException.Kind.TOO_LARGE, "big"))).isFalse();
    assertThat(RetryPolicy.isRetryable(new RegistryUnreachableException(RegistryUnreachableException.Kind.REFUSED, "x"))).isTrue();
    assertThat(RetryPolicy.isRetryable(new RegistryUnreachableException(RegistryUnreachableException.Kind.TLS, "x"))).isFalse();
    assertThat(RetryPolicy.isRetryable(new RegistryUnreachableException(RegistryUnreachableException.Kind.UNKNOWN_HOST, "x"))).isFalse();
    assertThat(RetryPolicy.isRetryable(new AuthenticationException(AuthenticationException.Kind.REFUSED, "x"))).isFalse();
    assertThat(RetryPolicy.isRetryable(new AuthenticationException(AuthenticationException.Kind.UNREACHABLE, "x"))).isTrue();
    assertThat(RetryPolicy.isRetryable(new DigestMismatchException("wrong"))).isFalse();
    assertThat(RetryPolicy.isRetryable(new IOException("invalid JSON"))).isFalse();
  }

  @Test
  void waitsDoubleUpToTheCapAndTheTotalIsBounded() {
    RetryPolicy p = RetryPolicy.defaults();
    IOException e = status(503);
    assertThat(p.delay(e, 1, Duration.ZERO)).contains(Duration.ofSeconds(1));
    assertThat(p.delay(e, 2, Duration.ZERO)).contains(Duration.ofSeconds(2));
    assertThat(p.delay(e, 4, Duration.ZERO)).contains(Duration.ofSeconds(8));
    assertThat(p.delay(e, 5, Duration.ZERO)).isEmpty(); // five attempts in all
    assertThat(new RetryPolicy(10, Duration.ofSeconds(8), Duration.ofSeconds(20), Duration.ofMinutes(5)).delay(e, 3, Duration.ZERO))
        .contains(Duration.ofSeconds(20));
    assertThat(p.delay(e, 1, Duration.ofMillis(119_500))).isEmpty(); // 2 minutes of waiting at most
    assertThat(p.delay(status(404), 1, Duration.ZERO)).isEmpty();
  }

  @Test
  void retryAfterReplacesTheComputedWaitButNotTheBound() {
    RegistryException slow = new RegistryException("x", 429, ErrorCode.TOOMANYREQUESTS, "slow down", Duration.ofSeconds(7));
    assertThat(RetryPolicy.defaults().delay(slow, 1, Duration.ZERO)).contains(Duration.ofSeconds(7));
    RegistryException never = new RegistryException("x", 503, ErrorCode.UNKNOWN, "later", Duration.ofHours(1));
    assertThat(RetryPolicy.defaults().delay(never, 1, Duration.ZERO)).isEmpty();
    assertThat(RetryPolicy.parseRetryAfter("120")).contains(Duration.ofSeconds(120));
    String inAMinute = ZonedDateTime.now().plusSeconds(61).format(DateTimeFormatter.RFC_1123_DATE_TIME);
    assertThat(RetryPolicy.parseRetryAfter(inAMinute).orElseThrow()).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(61));
    assertThat(RetryPolicy.parseRetryAfter("soon")).isEmpty();
  }

  @Test
  void waitsAreAnnouncedInDockersWords() {
    assertThat(RetryPolicy.retrying(Duration.ofMillis(50))).isEqualTo("Retrying in 1 second");
    assertThat(RetryPolicy.retrying(Duration.ofSeconds(8))).isEqualTo("Retrying in 8 seconds");
    assertThat(RetryPolicy.retrying(Duration.ZERO)).isEqualTo("Retrying in 0 seconds"); // Retry-After: 0
  }

  @Test
  void theEnvironmentSetsHowOftenToRetry() {
    assertThat(TransportOptions.fromEnv(java.util.Map.of("BERTH_RETRIES", "0")).retry().maxAttempts()).isEqualTo(1);
    assertThat(TransportOptions.fromEnv(java.util.Map.of()).retry().maxAttempts()).isEqualTo(5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TransportOptions.fromEnv(java.util.Map.of("BERTH_RETRIES", "many")))
        .hasMessage("invalid BERTH_RETRIES: many (expected a number of retries from 0 to 10)");
  }
}
