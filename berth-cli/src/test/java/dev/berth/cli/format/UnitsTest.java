package dev.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** go-units as docker prints it; expected values are what Go's %g and HumanDuration give. */
class UnitsTest {
  @Test
  void sizesAtDockersPrecisions() {
    assertThat(Units.humanSize(0)).isEqualTo("0B");
    assertThat(Units.humanSize(5120)).isEqualTo("5.12kB");
    assertThat(Units.humanSize(77_800_000)).isEqualTo("77.8MB");
    assertThat(Units.humanSize(562_900)).isEqualTo("562.9kB");
    // docker images: three significant digits, Go's %g (exponent form when rounding reaches 1000)
    assertThat(Units.humanSize(562_900, 3)).isEqualTo("563kB");
    assertThat(Units.humanSize(5_000, 3)).isEqualTo("5kB");
    assertThat(Units.humanSize(999_900, 3)).isEqualTo("1e+03kB");
    assertThat(Units.humanSize(100_000, 3)).isEqualTo("100kB");
    assertThat(Units.humanSize(1_234_567_890, 3)).isEqualTo("1.23GB");
    assertThat(Units.humanSize(999, 3)).isEqualTo("999B");
  }

  @Test
  void durationsLikeGoUnits() {
    assertThat(Units.humanDuration(Duration.ofMillis(500))).isEqualTo("Less than a second");
    assertThat(Units.humanDuration(Duration.ofSeconds(1))).isEqualTo("1 second");
    assertThat(Units.humanDuration(Duration.ofSeconds(59))).isEqualTo("59 seconds");
    assertThat(Units.humanDuration(Duration.ofSeconds(90))).isEqualTo("About a minute");
    assertThat(Units.humanDuration(Duration.ofMinutes(59))).isEqualTo("59 minutes");
    assertThat(Units.humanDuration(Duration.ofMinutes(89))).isEqualTo("About an hour");
    assertThat(Units.humanDuration(Duration.ofMinutes(90))).isEqualTo("2 hours");
    assertThat(Units.humanDuration(Duration.ofDays(3))).isEqualTo("3 days");
    assertThat(Units.humanDuration(Duration.ofDays(20))).isEqualTo("2 weeks");
    assertThat(Units.humanDuration(Duration.ofDays(95))).isEqualTo("3 months");
    assertThat(Units.humanDuration(Duration.ofDays(800))).isEqualTo("2 years");
  }
}
