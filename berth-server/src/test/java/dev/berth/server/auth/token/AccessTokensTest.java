package dev.berth.server.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.auth.Action;
import dev.berth.server.auth.Scope;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokensTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-30T12:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private AccessTokens tokens(Clock clock) {
    SigningKeys keys = SigningKeys.loadOrCreate(dir);
    return new AccessTokens(() -> keys, "berth", "berth", Duration.ofMinutes(5), clock);
  }

  @Test
  void aTokenJustPastItsExpiryIsStillAcceptedWithinTheLeeway() throws Exception {
    MovableClock clock = new MovableClock();
    List<Scope> access = List.of(Scope.repository("team/app", Action.PULL));
    String token = tokens(clock).issue("alice", access, "s1");

    // another replica (or a fresh cache) whose clock runs ahead: within the leeway it still counts
    clock.now = clock.now.plus(Duration.ofMinutes(5)).plus(AccessTokens.LEEWAY).minusSeconds(5);
    assertThat(tokens(clock).verify(token).subject()).isEqualTo("alice");

    clock.now = clock.now.plusSeconds(10); // now beyond it
    assertThatThrownBy(() -> tokens(clock).verify(token)).isInstanceOf(AccessTokens.InvalidTokenException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void aTokenIssuedBySomeoneWhoseClockIsSlightlyAheadIsAccepted() throws Exception {
    MovableClock issuer = new MovableClock();
    issuer.now = issuer.now.plusSeconds(20); // nbf and iat 20 s in this server's future
    String token = tokens(issuer).issue("alice", List.of(Scope.repository("team/app", Action.PULL)), "s1");
    MovableClock here = new MovableClock();
    assertThat(tokens(here).verify(token).subject()).isEqualTo("alice");
  }
}
