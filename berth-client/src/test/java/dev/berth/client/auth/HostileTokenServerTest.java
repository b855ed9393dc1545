package dev.berth.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.http.Hostile;
import dev.berth.credentials.Credentials;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Token servers and registries whose answers never end: one line, never gigabytes in memory. */
@Timeout(60)
class HostileTokenServerTest {
  static final Credentials ALICE = new Credentials("alice", "s3cret");

  @Test
  void anEndlessTokenResponseIsRefusedAtOneMiB() throws Exception {
    AtomicLong sent = new AtomicLong();
    try (TestServer realm = new TestServer((req, body) -> Hostile.endless(req.response(), sent))) {
      var authenticator = new ChallengeAuthenticator(RegistryEndpoint.forHost("registry.example"), Optional.of(ALICE),
          ChallengeAuthenticator.defaultHttpClient());
      assertThatThrownBy(() -> authenticator.authorize(
          List.of("Bearer realm=\"http://" + realm.host() + "/token\",service=\"registry.example\""), "repository:a:pull"))
          .isInstanceOf(AuthenticationException.class)
          .hasMessage("cannot get a token for registry.example from " + realm.host() + ": " + realm.host()
              + " sent more than 1 MiB");
    }
  }

  @Test
  void loginAgainstAnEndlessRealmOrPingFailsInOneLine() throws Exception {
    try (TestServer realm = new TestServer((req, body) -> Hostile.endless(req.response()));
        TestServer registry = new TestServer((req, body) -> {
          if (req.getHeader("Authorization") == null) {
            req.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"http://" + realm.host() + "/token\",service=\"reg\"").end();
          } else {
            req.response().end("{}");
          }
        });
        TestServer endlessPing = new TestServer((req, body) -> Hostile.endless(req.response()))) {
      assertThatThrownBy(() -> new LoginCheck().verify(RegistryEndpoint.forHost(registry.host()), ALICE))
          .isInstanceOf(AuthenticationException.class)
          .hasMessage("cannot log in to " + registry.host() + ": cannot get a token for " + registry.host() + " from "
              + realm.host() + ": " + realm.host() + " sent more than 1 MiB");
      assertThatThrownBy(() -> new LoginCheck().verify(RegistryEndpoint.forHost(endlessPing.host()), ALICE))
          .isInstanceOf(AuthenticationException.class)
          .hasMessage("cannot log in to " + endlessPing.host() + ": " + endlessPing.host() + " sent more than 1 MiB");
      assertThat(registry.seen).hasSize(1);
    }
  }
}
