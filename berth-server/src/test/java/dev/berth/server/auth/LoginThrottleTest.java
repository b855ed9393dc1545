package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final LoginThrottle throttle = new LoginThrottle(now::get);

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aFewMistakesAreFreeThenEachDoublesTheWaitUpToACeiling() {
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.waitFor("alice", "10.0.0.1")).isZero();
      throttle.failed("alice", "10.0.0.1");
    }
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isZero();
    throttle.failed("alice", "10.0.0.1");
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
    throttle.failed("alice", "10.0.0.1");
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
    for (int i = 0; i < 20; i++) {
      throttle.failed("alice", "10.0.0.1");
    }
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isEqualTo(Duration.ofSeconds(60));
    // the real user elsewhere is not locked out by a guesser at one address
    assertThat(throttle.waitFor("alice", "10.0.0.2")).isZero();
  }

  @Test
  void nobodyIsLockedOutForGood() {
    for (int i = 0; i < 40; i++) {
      throttle.failed("alice", "10.0.0.1");
    }
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isPositive();
    advance(Duration.ofSeconds(61));
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isZero();
    // and a quiet quarter of an hour forgets the count
    advance(Duration.ofMinutes(16));
    throttle.failed("alice", "10.0.0.1");
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isZero();
  }

  @Test
  void aGuesserTryingManyUsersFromOneAddressIsSlowedToo() {
    for (int i = 0; i < 31; i++) {
      throttle.failed("user" + i, "10.0.0.9");
    }
    assertThat(throttle.waitFor("someone-new", "10.0.0.9")).isPositive();
    assertThat(throttle.waitFor("someone-new", "10.0.0.8")).isZero();
  }

  @Test
  void checksStillRunningCountSoASimultaneousBurstCannotSlipPast() {
    for (int i = 0; i < 31; i++) { // an address's allowance is 30 failures
      assertThat(throttle.waitFor("user" + i, "10.0.0.3")).isZero();
      throttle.checking("user" + i, "10.0.0.3");
    }
    assertThat(throttle.waitFor("user-next", "10.0.0.3")).isPositive();
    // checks that end without a verdict (no capacity) give the room back
    for (int i = 0; i < 31; i++) {
      throttle.abandoned("user" + i, "10.0.0.3");
    }
    assertThat(throttle.waitFor("user-next", "10.0.0.3")).isZero();
  }

  @Test
  void aGoodPasswordForgivesThatClientsMistakes() {
    for (int i = 0; i < 7; i++) {
      throttle.failed("alice", "10.0.0.1");
    }
    advance(Duration.ofSeconds(5));
    throttle.succeeded("alice", "10.0.0.1");
    throttle.failed("alice", "10.0.0.1");
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isZero();
  }

  @Test
  void guessesFromElsewhereDoNotHoldUpAUserWhereTheyLoggedIn() {
    throttle.checking("alice", "10.0.0.1");
    throttle.succeeded("alice", "10.0.0.1"); // alice at her desk
    // a distributed attack on alice's password, and a guesser sharing her address trying others
    for (int i = 0; i < 150; i++) {
      throttle.failed("alice", "10.9." + (i / 250) + "." + (i % 250));
    }
    for (int i = 0; i < 40; i++) {
      throttle.failed("bob" + i, "10.0.0.1");
    }
    assertThat(throttle.waitFor("alice", "10.0.0.1")).as("alice where she logged in").isZero();
    assertThat(throttle.waitFor("alice", "10.0.0.2")).as("alice somewhere new").isPositive();
    assertThat(throttle.waitFor("carol", "10.0.0.1")).as("another user at the guesser's address").isPositive();
    // guesses of alice's password from her own address still meet their own limit
    for (int i = 0; i < 7; i++) {
      throttle.failed("alice", "10.0.0.1");
    }
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isPositive();
    // and the trust ends after a day
    advance(Duration.ofDays(1).plusMinutes(20));
    throttle.failed("alice", "10.9.9.9");
    for (int i = 0; i < 150; i++) {
      throttle.failed("alice", "10.8." + (i / 250) + "." + (i % 250));
    }
    assertThat(throttle.waitFor("alice", "10.0.0.1")).as("a day later, no longer trusted").isPositive();
    throttle.succeeded("alice", "10.0.0.1"); // once she is through, a login renews it
    assertThat(throttle.waitFor("alice", "10.0.0.1")).isZero();
  }
}
