package dev.berth.client.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformTest {
  @Test
  void parsesAndNormalisesAsDockerDoes() {
    assertThat(Platform.parse("linux/amd64")).hasToString("linux/amd64");
    assertThat(Platform.parse("linux/x86_64")).hasToString("linux/amd64");
    assertThat(Platform.parse("Linux/aarch64/V8")).hasToString("linux/arm64/v8");
    assertThatThrownBy(() -> Platform.parse("amd64")).hasMessage("invalid platform: amd64 (expected os/arch[/variant], such as linux/amd64)");
    assertThatThrownBy(() -> Platform.parse("linux/arm/v7/x")).hasMessageStartingWith("invalid platform: linux/arm/v7/x");
  }

  @Test
  void matchesIndexEntriesWithDefaultVariants() {
    Map<String, Object> arm64v8 = Map.of("os", "linux", "architecture", "arm64", "variant", "v8");
    Map<String, Object> arm64 = Map.of("os", "linux", "architecture", "arm64");
    Map<String, Object> armv7 = Map.of("os", "linux", "architecture", "arm", "variant", "v7");
    assertThat(Platform.parse("linux/arm64").matches(arm64v8)).isTrue();
    assertThat(Platform.parse("linux/arm64/v8").matches(arm64)).isTrue();
    assertThat(Platform.parse("linux/arm").matches(armv7)).isTrue();
    assertThat(Platform.parse("linux/arm/v6").matches(armv7)).isFalse();
    assertThat(Platform.parse("linux/amd64").matches(arm64)).isFalse();
    assertThat(Platform.parse("windows/amd64").matches(Map.of("os", "linux", "architecture", "amd64"))).isFalse();
    assertThat(Platform.parse("linux/amd64").matches(null)).isFalse();
  }
}
