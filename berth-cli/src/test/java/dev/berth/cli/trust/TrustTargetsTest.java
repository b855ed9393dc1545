package dev.berth.cli.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrustTargetsTest {
  final Path home = Path.of("/home/ann");

  @Test
  void asRootTheCaGoesSystemWideUnderTheSystemRoot() {
    List<TrustTargets.Target> t = TrustTargets.forRegistry("reg.example:5000", true,
        Map.of(TrustTargets.SYSTEM_ROOT_ENV, "/tmp/sys"), home);
    assertThat(t).extracting(TrustTargets.Target::file).containsExactly(
        Path.of("/tmp/sys/etc/docker/certs.d/reg.example:5000/ca.crt"),
        Path.of("/tmp/sys/etc/containers/certs.d/reg.example:5000/ca.crt"));
    assertThat(TrustTargets.forRegistry("reg.example", true, Map.of(), home).getFirst().dir())
        .isEqualTo(Path.of("/etc/docker/certs.d/reg.example"));
  }

  @Test
  void asAUserItGoesWhereRootlessDockerAndTheContainersToolsLook() {
    List<TrustTargets.Target> t = TrustTargets.forRegistry("reg.example:5000", false, Map.of(), home);
    assertThat(t).extracting(TrustTargets.Target::dir).containsExactly(
        Path.of("/home/ann/.config/docker/certs.d/reg.example:5000"),
        Path.of("/home/ann/.config/containers/certs.d/reg.example:5000"));
    // docker follows XDG_CONFIG_HOME; containers-image always reads $HOME/.config
    assertThat(TrustTargets.forRegistry("r:1", false, Map.of("XDG_CONFIG_HOME", "/x"), home))
        .extracting(TrustTargets.Target::dir)
        .containsExactly(Path.of("/x/docker/certs.d/r:1"), Path.of("/home/ann/.config/containers/certs.d/r:1"));
  }

  @Test
  void berthsOwnDirectoriesGetTheCaWhenTheyAreNotAmongTheOthers() {
    assertThat(TrustTargets.forRegistry("r:1", true, Map.of(TrustTargets.CERTS_DIRS_ENV, "/b/certs.d:/c"), home))
        .extracting(TrustTargets.Target::dir).contains(Path.of("/b/certs.d/r:1"));
    assertThat(TrustTargets.forRegistry("r:1", true, Map.of(TrustTargets.CERTS_DIRS_ENV, "/etc/docker/certs.d"), home))
        .hasSize(2);
  }

  @Test
  void aCertificateCoversExactNamesOneLevelWildcardsAndIpAddresses() {
    assertThat(CaFetch.covers(java.util.Set.of("reg.example", "10.0.0.1"), "REG.example")).isTrue();
    assertThat(CaFetch.covers(java.util.Set.of("*.example.com"), "a.example.com")).isTrue();
    assertThat(CaFetch.covers(java.util.Set.of("*.example.com"), "b.a.example.com")).isFalse();
    assertThat(CaFetch.covers(java.util.Set.of("10.0.0.1"), "10.0.0.1")).isTrue();
    assertThat(CaFetch.covers(java.util.Set.of("10.0.0.1"), "10.0.0.2")).isFalse();
  }
}
