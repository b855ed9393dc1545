package dev.berth.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void distributionBearerChallenge() {
    List<Challenge> c = Challenge.parse(List.of(
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/ubuntu:pull,push\""));
    assertThat(c).containsExactly(new Challenge("bearer", Map.of(
        "realm", "https://auth.docker.io/token",
        "service", "registry.docker.io",
        "scope", "repository:library/ubuntu:pull,push"), null));
  }

  @Test
  void severalChallengesInOneValueAndAcrossValues() {
    List<Challenge> c = Challenge.parse(List.of(
        "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
        "Negotiate abc+/def==, Bearer realm=\"https://t/token\""));
    assertThat(c).extracting(Challenge::scheme).containsExactly("newauth", "basic", "negotiate", "bearer");
    assertThat(c.get(0).params()).isEqualTo(Map.of("realm", "apps", "type", "1", "title", "Login to \"apps\""));
    assertThat(c.get(1).param("REALM")).isEqualTo("simple");
    assertThat(c.get(2).token68()).isEqualTo("abc+/def==");
    assertThat(c.get(3).param("realm")).isEqualTo("https://t/token");
  }

  @Test
  void caseSpacingAndBareValues() {
    List<Challenge> c = Challenge.parse(List.of("BASIC  Realm = \"Registry Realm\" , charset=UTF-8", "bearer realm=https://t/x,service=reg"));
    assertThat(c.get(0)).isEqualTo(new Challenge("basic", Map.of("realm", "Registry Realm", "charset", "UTF-8"), null));
    assertThat(c.get(1).params()).isEqualTo(Map.of("realm", "https://t/x", "service", "reg"));
  }

  @Test
  void schemeWithoutParameters() {
    assertThat(Challenge.parse(List.of("Basic"))).containsExactly(new Challenge("basic", Map.of(), null));
    assertThat(Challenge.parse(List.of("Basic, Bearer"))).extracting(Challenge::scheme).containsExactly("basic", "bearer");
    assertThat(Challenge.parse(List.of(""))).isEmpty();
  }

  @Test
  void malformedHeadersAreRefusedByName() {
    assertThatThrownBy(() -> Challenge.parse(List.of("Basic realm=\"open")))
        .hasMessage("malformed WWW-Authenticate header (unterminated quoted string at position 17): Basic realm=\"open");
    assertThatThrownBy(() -> Challenge.parse(List.of("=x")))
        .hasMessageStartingWith("malformed WWW-Authenticate header (expected an authentication scheme");
  }
}
