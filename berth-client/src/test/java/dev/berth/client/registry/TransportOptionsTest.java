package dev.berth.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportOptionsTest {
  @Test
  void defaultsAndTheEnvironment() {
    TransportOptions d = TransportOptions.fromEnv(Map.of());
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.responseTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(d.stallTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.insecure()).isFalse();
    assertThat(d.isLoopback("127.0.0.1:5000")).isTrue();
    assertThat(d.isLoopback("registry.example")).isFalse();

    TransportOptions set = TransportOptions.fromEnv(Map.of("BERTH_STALL_TIMEOUT", "500ms",
        "BERTH_CONNECT_TIMEOUT", "5", "BERTH_RESPONSE_TIMEOUT", "3m"));
    assertThat(set.stallTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(set.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(set.responseTimeout()).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void aBadValueIsNamed() {
    assertThatThrownBy(() -> TransportOptions.fromEnv(Map.of("BERTH_STALL_TIMEOUT", "soon")))
        .hasMessage("invalid BERTH_STALL_TIMEOUT: soon (expected a positive duration such as 30, 30s, 500ms or 2m)");
    assertThatThrownBy(() -> TransportOptions.fromEnv(Map.of("BERTH_CONNECT_TIMEOUT", "0")))
        .hasMessageStartingWith("invalid BERTH_CONNECT_TIMEOUT: 0 ");
  }
}
