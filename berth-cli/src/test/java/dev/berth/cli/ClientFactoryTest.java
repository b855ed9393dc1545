package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientFactoryTest {
  private static CliContext env(Map<String, String> env) {
    return new CliContext(System.out, System.err, System.in, env, null);
  }

  @Test
  void insecureRegistriesAreNamedExactlyAsImagesNameThem() {
    CliContext context = env(Map.of("BERTH_INSECURE_REGISTRIES", "reg.example:5000, 10.0.0.7:5000"));
    assertThat(ClientFactory.insecureRegistry(context, "reg.example:5000")).isTrue();
    assertThat(ClientFactory.insecureRegistry(context, "10.0.0.7:5000")).isTrue();
    assertThat(ClientFactory.insecureRegistry(context, "reg.example")).isFalse();
    assertThat(ClientFactory.insecureRegistry(context, "other:5000")).isFalse();
    assertThat(ClientFactory.insecureRegistry(env(Map.of()), "reg.example:5000")).isFalse();
  }
}
