package dev.berth.client.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One operation's retries: asks the policy whether a failure is worth another attempt, announces
 * the wait, sleeps, and keeps the total waited (the policy bounds that total).
 */
final class Retries {
  private final RetryPolicy policy;
  private final String attempt;
  private Duration waited = Duration.ZERO;

  /** @param attempt what is being attempted, for the error an interrupt raises ({@code pull blob …}) */
  Retries(RetryPolicy policy, String attempt) {
    this.policy = policy;
    this.attempt = attempt;
  }

  /**
   * Waits before the attempt after {@code failedAttempt} (counted from 1), when the policy allows one.
   *
   * @return false when the operation is to fail with {@code failure} now
   */
  boolean again(IOException failure, int failedAttempt, RegistryTransport.RetryNotice notice) throws IOException {
    Optional<Duration> wait = policy.delay(failure, failedAttempt, waited);
    if (wait.isEmpty()) {
      return false;
    }
    notice.retrying(wait.get(), failure);
    RegistryTransport.pause(wait.get(), attempt);
    waited = waited.plus(wait.get());
    return true;
  }
}
