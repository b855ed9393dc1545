package dev.berth.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.credentials.Credentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChallengeAuthenticatorTest {
  static final Credentials ALICE = new Credentials("alice", "s3cret");
  static final String ALICE_BASIC = "Basic YWxpY2U6czNjcmV0";

  final AtomicInteger issued = new AtomicInteger();
  TestServer tokenServer;

  /** A token server: Basic alice:s3cret or anonymous gets a numbered token; wrong credentials get 401. */
  @BeforeEach
  void startTokenServer() throws Exception {
    tokenServer = new TestServer((req, body) -> {
      String auth = req.getHeader("Authorization");
      if (req.path().equals("/oauth-only")) {
        // a realm that takes only the OAuth2 POST: GET is 405
        if (!req.method().name().equals("POST")) {
          req.response().setStatusCode(405).end();
        } else if (body.contains("grant_type=password") && body.contains("username=alice&password=s3cret")) {
          req.response().putHeader("Content-Type", "application/json")
              .end("{\"access_token\":\"oauth-" + issued.incrementAndGet() + "\",\"expires_in\":300}");
        } else {
          req.response().setStatusCode(401).end("{\"error\":\"invalid_grant\"}");
        }
      } else if (req.path().equals("/get-only") && req.method().name().equals("POST")) {
        req.response().setStatusCode(404).end();
      } else if (req.path().equals("/refresh")) {
        req.response().putHeader("Content-Type", "application/json")
            .end("{\"access_token\":\"from-refresh-" + issued.incrementAndGet() + "\",\"expires_in\":300}");
      } else if (auth == null || auth.equals(ALICE_BASIC)) {
        req.response().putHeader("Content-Type", "application/json")
            .end("{\"token\":\"t" + issued.incrementAndGet() + "\",\"expires_in\":120}");
      } else {
        req.response().setStatusCode(401).putHeader("Content-Type", "application/json")
            .end("{\"details\":\"incorrect username or password\"}");
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    tokenServer.close();
  }

  final MutableClock clock = new MutableClock();

  ChallengeAuthenticator authenticator(Optional<Credentials> credentials) {
    return new ChallengeAuthenticator(RegistryEndpoint.forHost("registry.example"), credentials,
        ChallengeAuthenticator.defaultHttpClient(), clock);
  }

  String bearer(String path) {
    return "Bearer realm=\"http://" + tokenServer.host() + path + "\",service=\"registry.example\"";
  }

  @Test
  void basicIsAnsweredWithTheCredentialsOnlyWhenThereAreSome() throws Exception {
    assertThat(authenticator(Optional.of(ALICE)).authorize(List.of("Basic realm=\"r\""), null)).contains(ALICE_BASIC);
    assertThat(authenticator(Optional.empty()).authorize(List.of("Basic realm=\"r\""), null)).isEmpty();
    assertThat(authenticator(Optional.of(ALICE)).authorize(List.of(), null)).isEmpty();
  }

  @Test
  void bearerTokenIsFetchedWithServiceScopeAndBasicCredentials() throws Exception {
    var auth = authenticator(Optional.of(ALICE));
    assertThat(auth.authorize(List.of("Basic realm=\"r\"", bearer("/token")), "repository:a/b:pull,push"))
        .contains("Bearer t1");
    assertThat(tokenServer.seen).singleElement().satisfies(s -> {
      assertThat(s.method()).isEqualTo("GET");
      assertThat(s.uri()).isEqualTo("/token?service=registry.example&scope=repository%3Aa%2Fb%3Apull%2Cpush");
      assertThat(s.authorization()).isEqualTo(ALICE_BASIC);
    });
  }

  @Test
  void tokensAreCachedPerScopeUntilTheyExpire() throws Exception {
    var auth = authenticator(Optional.of(ALICE));
    assertThat(auth.authorize(List.of(bearer("/token")), "repository:a:pull")).contains("Bearer t1");
    assertThat(auth.authorize(List.of(bearer("/token")), "repository:a:pull")).contains("Bearer t1");
    assertThat(auth.authorize(List.of(bearer("/token")), "repository:b:pull")).contains("Bearer t2");
    clock.advance(Duration.ofSeconds(100));
    assertThat(auth.authorize(List.of(bearer("/token")), "repository:a:pull")).contains("Bearer t1");
    clock.advance(Duration.ofSeconds(15)); // 115 s: within the safety margin of the 120 s lifetime
    assertThat(auth.authorize(List.of(bearer("/token")), "repository:a:pull")).contains("Bearer t3");
    assertThat(tokenServer.seen).hasSize(3);
  }

  @Test
  void theChallengesOwnScopeIsRequestedTooAndInvalidTokensAreRefetched() throws Exception {
    var auth = authenticator(Optional.of(ALICE));
    String challenge = bearer("/token") + ",scope=\"repository:other:pull\"";
    assertThat(auth.authorize(List.of(challenge), "repository:a:push")).contains("Bearer t1");
    assertThat(tokenServer.seen.get(0).uri())
        .isEqualTo("/token?service=registry.example&scope=repository%3Aa%3Apush&scope=repository%3Aother%3Apull");
    assertThat(auth.authorize(List.of(challenge), "repository:a:push")).contains("Bearer t1");
    assertThat(auth.authorize(List.of(challenge + ",error=\"invalid_token\""), "repository:a:push")).contains("Bearer t2");
    assertThat(tokenServer.seen).hasSize(2);
  }

  @Test
  void aRealmThatOnlyTakesTheOAuth2PostGetsThePasswordGrantFromThenOn() throws Exception {
    var auth = authenticator(Optional.of(ALICE));
    assertThat(auth.authorize(List.of(bearer("/oauth-only")), "repository:a:pull")).contains("Bearer oauth-1");
    assertThat(tokenServer.seen).extracting(TestServer.Seen::method).containsExactly("GET", "POST");
    TestServer.Seen post = tokenServer.seen.get(1);
    assertThat(post.body()).isEqualTo("service=registry.example&scope=repository%3Aa%3Apull"
        + "&grant_type=password&client_id=berth&username=alice&password=s3cret");
    assertThat(post.uri()).isEqualTo("/oauth-only"); // the password in the body, never in the URL
    assertThat(post.authorization()).isNull();
    // remembered: the next scope goes straight to POST
    assertThat(auth.authorize(List.of(bearer("/oauth-only")), "repository:b:pull")).contains("Bearer oauth-2");
    assertThat(tokenServer.seen).extracting(TestServer.Seen::method).containsExactly("GET", "POST", "POST");
  }

  @Test
  void forcedOAuth2PostsThePasswordAndFallsBackToGetWhereThereIsNoOAuth2() throws Exception {
    var auth = authenticator(Optional.of(ALICE)).forceOAuth2();
    assertThat(auth.authorize(List.of(bearer("/oauth-only")), "repository:a:pull")).contains("Bearer oauth-1");
    assertThat(tokenServer.seen).extracting(TestServer.Seen::method).containsExactly("POST");
    // a realm whose POST is 404 (as GCR's was): docker's fallback to GET with Basic
    assertThat(auth.authorize(List.of(bearer("/get-only")), "repository:a:pull")).contains("Bearer t2");
    assertThat(tokenServer.seen).extracting(TestServer.Seen::method).containsExactly("POST", "POST", "GET");
    assertThat(tokenServer.seen.get(2).authorization()).isEqualTo(ALICE_BASIC);
  }

  @Test
  void insufficientScopeFetchesANewTokenForTheScopeTheRegistryNames() throws Exception {
    var auth = authenticator(Optional.of(ALICE));
    assertThat(auth.authorize(List.of(bearer("/token")), "repository:a:pull")).contains("Bearer t1");
    // the registry wants more than the cached token holds: it names the scope it needs
    String more = bearer("/token") + ",scope=\"repository:a:pull,push\",error=\"insufficient_scope\"";
    assertThat(auth.authorize(List.of(more), "repository:a:pull")).contains("Bearer t2");
    assertThat(tokenServer.seen.get(1).uri())
        .isEqualTo("/token?service=registry.example&scope=repository%3Aa%3Apull&scope=repository%3Aa%3Apull%2Cpush");
    // several scopes in one request (a mount reads its source): one token for all of them
    assertThat(auth.authorize(List.of(bearer("/token")), "repository:b:pull,push repository:a:pull")).contains("Bearer t3");
    assertThat(tokenServer.seen.get(2).uri())
        .isEqualTo("/token?service=registry.example&scope=repository%3Ab%3Apull%2Cpush&scope=repository%3Aa%3Apull");
  }

  @Test
  void anonymousTokenWithoutCredentials() throws Exception {
    assertThat(authenticator(Optional.empty()).authorize(List.of(bearer("/token")), null)).contains("Bearer t1");
    assertThat(tokenServer.seen.get(0).authorization()).isNull();
    assertThat(tokenServer.seen.get(0).uri()).isEqualTo("/token?service=registry.example");
  }

  @Test
  void identityTokenIsExchangedNotSentAsPassword() throws Exception {
    var auth = authenticator(Optional.of(new Credentials("<token>", "refresh-me")));
    assertThat(auth.authorize(List.of(bearer("/refresh")), "repository:a:pull")).contains("Bearer from-refresh-1");
    assertThat(tokenServer.seen).singleElement().satisfies(s -> {
      assertThat(s.method()).isEqualTo("POST");
      assertThat(s.authorization()).isNull();
      assertThat(s.body()).isEqualTo(
          "service=registry.example&scope=repository%3Aa%3Apull&grant_type=refresh_token&client_id=berth&refresh_token=refresh-me");
    });
  }

  @Test
  void refusedTokenSaysWhoRefusedAndWhy() {
    var auth = authenticator(Optional.of(new Credentials("alice", "wrong")));
    assertThatThrownBy(() -> auth.authorize(List.of(bearer("/token")), null))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(AuthenticationException.Kind.REFUSED))
        .hasMessage("token server " + tokenServer.host() + " refused a token for registry.example: incorrect username or password")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void credentialsNeverGoToAPlainHttpRealmElsewhere() {
    var auth = authenticator(Optional.of(ALICE));
    assertThatThrownBy(() -> auth.authorize(List.of("Bearer realm=\"http://auth.example/token\",service=\"x\""), null))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(AuthenticationException.Kind.INSECURE))
        .hasMessage("refusing to send credentials for registry.example to token server http://auth.example/token over plain HTTP");
    // nor with the OAuth2 POST
    var forced = authenticator(Optional.of(ALICE)).forceOAuth2();
    assertThatThrownBy(() -> forced.authorize(List.of("Bearer realm=\"http://auth.example/token\",service=\"x\""), null))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(AuthenticationException.Kind.INSECURE));
  }

  @Test
  void unsupportedOrBrokenChallengesAreNamed() {
    var auth = authenticator(Optional.of(ALICE));
    assertThatThrownBy(() -> auth.authorize(List.of("Negotiate abc=="), null))
        .hasMessage("registry.example asks for an authentication scheme Berth does not support: negotiate");
    assertThatThrownBy(() -> auth.authorize(List.of("Bearer service=\"x\""), null))
        .hasMessage("registry.example asked for a Bearer token but named no realm to get it from");
  }

  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
