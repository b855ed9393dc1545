package dev.berth.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryHostsTest {

  // Expected values follow docker/cli (login.go, ConvertToHostname in credentials/file_store.go);
  // the Hub aliases all map to docker's Hub key (docker itself keys 'index.docker.io' as typed).
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "NULL                                  | https://index.docker.io/v1/",
      "''                                    | https://index.docker.io/v1/",
      "docker.io                             | https://index.docker.io/v1/",
      "index.docker.io                       | https://index.docker.io/v1/",
      "registry-1.docker.io                  | https://index.docker.io/v1/",
      "https://index.docker.io/v1/           | https://index.docker.io/v1/",
      "https://registry-1.docker.io/v2/      | https://index.docker.io/v1/",
      "localhost:5000                        | localhost:5000",
      "http://localhost:5000                 | localhost:5000",
      "https://localhost:5000/v2/            | localhost:5000",
      "https://myid.jfrog.io/v1/             | myid.jfrog.io",
      "myid.jfrog.io/some/path               | myid.jfrog.io",
      "https://user@example.com:8443/x?y     | example.com:8443",
      "http://[::1]:5000/v2/                 | [::1]:5000",
      "http://[::1]/                         | ::1",
      "https://example.com:/                 | example.com",
      "127.0.0.1:41234                       | 127.0.0.1:41234",
      "Example.COM                           | Example.COM",
  })
  void configKeyNormalisesLikeDocker(String server, String key) {
    assertThat(RegistryHosts.configKey(server)).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "https://index.docker.io/v1/ | index.docker.io",
      "http://host:1/              | host:1",
      "host:1/v2/                  | host:1",
      "host                        | host",
      "ftp://files.example         | files.example",
  })
  void toHostnameIsDockersConvertToHostname(String address, String host) {
    assertThat(RegistryHosts.toHostname(address)).isEqualTo(host);
  }

  @org.junit.jupiter.api.Test
  void validKeys() {
    for (String ok : List.of("localhost:5000", "127.0.0.1:41234", "[::1]:5000", "my-registry.example.com", RegistryHosts.HUB_KEY)) {
      assertThat(RegistryHosts.isValidKey(ok)).as(ok).isTrue();
    }
    for (String bad : List.of("", "foo bar", "-x.example", "host:port", "host:123456", "a_b.example")) {
      assertThat(RegistryHosts.isValidKey(bad)).as(bad).isFalse();
    }
  }

  @org.junit.jupiter.api.Test
  void logoutTriesLegacyForms() {
    assertThat(RegistryHosts.keysToErase("https://host:5000/"))
        .containsExactly("host:5000", "http://host:5000", "https://host:5000");
    assertThat(RegistryHosts.keysToErase(null)).containsExactly(RegistryHosts.HUB_KEY);
  }

  @org.junit.jupiter.api.Test
  void storedUrlFormsMatchTheirHost() {
    assertThat(RegistryHosts.matches("https://host:5000/v1/", "host:5000")).isTrue();
    assertThat(RegistryHosts.matches("http://host:5000", "host:5000")).isTrue();
    assertThat(RegistryHosts.matches("host:5001", "host:5000")).isFalse();
    assertThat(RegistryHosts.matches("docker.io", RegistryHosts.HUB_KEY)).isTrue();
  }
}
