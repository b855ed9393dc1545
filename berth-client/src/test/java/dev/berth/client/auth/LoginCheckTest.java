package dev.berth.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.credentials.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginCheckTest {
  static final String ALICE_BASIC = "Basic YWxpY2U6czNjcmV0";
  static final String UNAUTHORIZED =
      "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}";

  TestServer registry;

  /** A registry with htpasswd-style Basic auth, as `berth serve` and distribution answer. */
  @BeforeEach
  void start() throws Exception {
    registry = new TestServer((req, body) -> {
      if (ALICE_BASIC.equals(req.getHeader("Authorization"))) {
        req.response().putHeader("Docker-Distribution-API-Version", "registry/2.0").end("{}");
      } else {
        req.response().setStatusCode(401)
            .putHeader("WWW-Authenticate", "Basic realm=\"Registry Realm\"")
            .putHeader("Content-Type", "application/json")
            .end(UNAUTHORIZED);
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    registry.close();
  }

  @Test
  void goodCredentialsPass() throws Exception {
    new LoginCheck().verify(RegistryEndpoint.forHost(registry.host()), new Credentials("alice", "s3cret"));
    assertThat(registry.seen).extracting(TestServer.Seen::authorization).containsExactly(null, ALICE_BASIC);
  }

  @Test
  void badCredentialsAreRefusedInTheRegistrysWords() {
    String host = registry.host();
    assertThatThrownBy(() -> new LoginCheck().verify(RegistryEndpoint.forHost(host), new Credentials("alice", "nope")))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(AuthenticationException.Kind.REFUSED))
        .hasMessage("cannot log in to " + host + ": unauthorized: authentication required (GET http://" + host
            + "/v2/ answered 401)");
  }

  @Test
  void statusIsTheFallbackWhenThereIsNoErrorBody() throws Exception {
    try (TestServer bare = new TestServer((req, body) ->
        req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=x").end())) {
      assertThatThrownBy(() -> new LoginCheck().verify(RegistryEndpoint.forHost(bare.host()), new Credentials("a", "b")))
          .hasMessage("cannot log in to " + bare.host() + ": HTTP 401 Unauthorized (GET http://" + bare.host() + "/v2/ answered 401)");
    }
  }

  @Test
  void bearerRegistryIsCheckedThroughItsTokenServer() throws Exception {
    try (TestServer tokens = new TestServer((req, body) -> {
      if (ALICE_BASIC.equals(req.getHeader("Authorization"))) {
        req.response().end("{\"token\":\"good\",\"refresh_token\":\"keep-me\"}");
      } else {
        req.response().setStatusCode(401).end("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad login\"}]}");
      }
    });
        TestServer bearerRegistry = new TestServer((req, body) -> {
          if ("Bearer good".equals(req.getHeader("Authorization"))) {
            req.response().end("{}");
          } else {
            req.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"http://" + tokens.host() + "/auth\",service=\"reg\"")
                .end(UNAUTHORIZED);
          }
        })) {
      RegistryEndpoint endpoint = RegistryEndpoint.forHost(bearerRegistry.host());
      // as docker login: asks for a refresh token, and hands it back to be kept instead of the password
      assertThat(new LoginCheck().verify(endpoint, new Credentials("alice", "s3cret"))).hasValue("keep-me");
      assertThat(tokens.seen).singleElement().extracting(TestServer.Seen::uri)
          .isEqualTo("/auth?service=reg&offline_token=true&client_id=berth&account=alice");

      assertThatThrownBy(() -> new LoginCheck().verify(endpoint, new Credentials("alice", "x")))
          .hasMessage("cannot log in to " + bearerRegistry.host() + ": token server " + tokens.host()
              + " refused a token for " + bearerRegistry.host() + ": unauthorized: bad login");
    }
  }

  @Test
  void openRegistryNeedsNoCheck() throws Exception {
    try (TestServer open = new TestServer((req, body) -> req.response().end("{}"))) {
      new LoginCheck().verify(RegistryEndpoint.forHost(open.host()), new Credentials("a", "b"));
      assertThat(open.seen).singleElement().extracting(TestServer.Seen::authorization).isNull();
    }
  }

  @Test
  void notARegistry() throws Exception {
    try (TestServer web = new TestServer((req, body) -> req.response().setStatusCode(404).end("<html>"))) {
      assertThatThrownBy(() -> new LoginCheck().verify(RegistryEndpoint.forHost(web.host()), new Credentials("a", "b")))
          .hasMessage("cannot log in to " + web.host() + ": GET http://" + web.host()
              + "/v2/ answered 404: HTTP 404 Not Found; is it a registry (no /v2/ API)?");
    }
  }

  @Test
  void connectionRefusedNamesTheHost() throws Exception {
    String host;
    try (TestServer gone = new TestServer((req, body) -> req.response().end())) {
      host = gone.host();
    }
    assertThatThrownBy(() -> new LoginCheck().verify(RegistryEndpoint.forHost(host), new Credentials("a", "b")))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(AuthenticationException.Kind.UNREACHABLE))
        .hasMessage("cannot log in to " + host + ": connection to " + host + " refused");
  }

  @Test
  void unknownHostNamesTheHost() {
    assertThatThrownBy(() -> new LoginCheck().verify(RegistryEndpoint.forHost("nosuch.invalid"), new Credentials("a", "b")))
        .hasMessage("cannot log in to nosuch.invalid: unknown host nosuch.invalid");
  }
}
