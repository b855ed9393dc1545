package dev.berth.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {

  @ParameterizedTest
  @CsvSource({
    "ubuntu, docker.io/library/ubuntu:latest, ubuntu:latest",
    "ubuntu:22.04, docker.io/library/ubuntu:22.04, ubuntu:22.04",
    "index.docker.io/foo/bar, docker.io/foo/bar:latest, foo/bar:latest",
    "localhost/x, localhost/x:latest, localhost/x:latest",
    "localhost:5000/spring-vue-starter-repo/spring-vue-image:131, localhost:5000/spring-vue-starter-repo/spring-vue-image:131, localhost:5000/spring-vue-starter-repo/spring-vue-image:131",
    "127.0.0.1:5000/a/b:c, 127.0.0.1:5000/a/b:c, 127.0.0.1:5000/a/b:c",
    "myid.jfrog.io/repo/img, myid.jfrog.io/repo/img:latest, myid.jfrog.io/repo/img:latest",
    "[::1]:5000/a:1, [::1]:5000/a:1, [::1]:5000/a:1",
  })
  void normalisesLikeDocker(String input, String canonical, String familiar) {
    Reference ref = Reference.parse(input);
    assertThat(ref.canonical()).isEqualTo(canonical);
    assertThat(ref.familiar()).isEqualTo(familiar);
  }

  @Test
  void keepsDigest() {
    String d = "sha256:" + "a".repeat(64);
    Reference ref = Reference.parse("host:5000/a@" + d);
    assertThat(ref.tag()).isNull();
    assertThat(ref.digest()).hasToString(d);
    assertThat(ref.canonical()).isEqualTo("host:5000/a@" + d);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER", "a/B", "a:", "a::b", "a@sha256:xyz", "-a", "a//b", "host:5000/a:bad tag", "a:-x"})
  void rejectsMalformedNamesNamingTheValue(String input) {
    assertThatThrownBy(() -> Reference.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid reference format");
  }

  @Test
  void digestValidation() {
    assertThat(Digest.isValid("sha256:" + "0".repeat(64))).isTrue();
    assertThat(Digest.isValid("sha256:" + "0".repeat(63))).isFalse();
    assertThat(Digest.isValid("sha256:../../etc/passwd")).isFalse();
    assertThatThrownBy(() -> Digest.parse("nope")).hasMessage("invalid digest: nope");
  }
}
