package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.auth.ChallengeAuthenticator;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.TransportOptions;
import dev.berth.credentials.Credentials;
import dev.berth.model.Digest;
import dev.berth.testkit.DistributionRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's side of token auth against the real token service ({@code berth serve}, its
 * default mode) and against distribution trusting it: the OAuth2 password grant, the refresh-token
 * grant, and one re-authentication when a token lacks the scope a call needs. The realm both
 * registries name is a recorder in front of Berth's {@code /token}, so the test sees each token
 * request as it was sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ClientAuthIT {
  static final String USER = "alice";
  static final String PASSWORD = "alice's token password";

  /** One token request as the recorder saw it: method, whether it carried Basic credentials, and its scopes and grant. */
  record TokenRequest(String method, boolean basic, String query, String form) {
    boolean asked(String text) {
      String all = URLDecoder.decode(query + "&" + form, StandardCharsets.UTF_8);
      return all.contains(text);
    }
  }

  final Vertx vertx = Vertx.vertx();
  final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
  BerthServe berth;
  DistributionRegistry distribution;
  String realm;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    // the recorder listens first: Berth must name it as its realm
    HttpClient forward = vertx.createHttpClient();
    int[] berthPort = new int[1];
    HttpServer recorder = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      tokenRequests.add(new TokenRequest(req.method().name(), req.getHeader("Authorization") != null,
          String.valueOf(req.query()), body.toString()));
      RequestOptions to = new RequestOptions().setMethod(req.method()).setHost("127.0.0.1").setPort(berthPort[0])
          .setURI(req.uri());
      req.headers().forEach((k, v) -> {
        if (!k.equalsIgnoreCase("Host")) {
          to.addHeader(k, v);
        }
      });
      forward.request(to).compose(r -> r.send(body)).compose(res -> res.body().map(b -> {
        req.response().setStatusCode(res.statusCode());
        res.headers().forEach((k, v) -> req.response().putHeader(k, v));
        req.response().end(b);
        return b;
      })).onFailure(e -> req.response().setStatusCode(502).end());
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    realm = "http://127.0.0.1:" + recorder.actualPort() + "/token";

    BerthCli cli = new BerthCli(dir.resolve("home"));
    berth = BerthServe.start(cli, dir.resolve("storage"), TestPeers.htpasswd(Files.createDirectories(dir).resolve("users"), USER, PASSWORD),
        "--token-realm", realm);
    berthPort[0] = Integer.parseInt(berth.host().substring(berth.host().indexOf(':') + 1));
    distribution = DistributionRegistry.builder().workDir(dir.resolve("distribution"))
        .tokenAuth(realm, "berth", "berth", dir.resolve("storage/auth/token-signing.pem")).start();
  }

  @AfterAll
  void stop() throws Exception {
    if (distribution != null) {
      distribution.close();
    }
    if (berth != null) {
      berth.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static RegistryClient client(String host, String repo, Authenticator auth, boolean push) {
    TransportOptions options = TransportOptions.defaults();
    return new RegistryClient(options.newHttpClient(), RegistryEndpoint.forHost(host), repo, auth, push, options);
  }

  private static ChallengeAuthenticator authenticator(String host, Credentials credentials) {
    return new ChallengeAuthenticator(RegistryEndpoint.forHost(host), Optional.of(credentials), TransportOptions.defaults().newHttpClient());
  }

  /** Counts the challenges a transport had to answer. */
  private static Authenticator counting(Authenticator auth, AtomicInteger count) {
    return (challenges, scope) -> {
      count.incrementAndGet();
      return auth.authorize(challenges, scope);
    };
  }

  private void insufficientScopeIsAnsweredByOneNewToken(String host) throws Exception {
    tokenRequests.clear();
    AtomicInteger challenges = new AtomicInteger();
    // a client that asked for pull only, then pushes: the registry wants more than its token holds
    RegistryClient pullOnly = client(host, "team/scope", counting(authenticator(host, new Credentials(USER, PASSWORD)), challenges), false);
    assertThat(pullOnly.checkBlob(Digest.sha256(new byte[] {1}))).isEmpty();
    Path blob = Files.write(Files.createTempFile("blob", ".bin"), new byte[] {1, 2, 3});
    pullOnly.pushBlob(Digest.sha256(new byte[] {1, 2, 3}), blob, 3);
    assertThat(pullOnly.checkBlob(Digest.sha256(new byte[] {1, 2, 3}))).contains(3L);

    assertThat(challenges).as("a challenge for the first call, one re-authentication for the push").hasValue(2);
    assertThat(tokenRequests).hasSize(2);
    assertThat(tokenRequests.get(0).asked("scope=repository:team/scope:pull")).isTrue();
    // the client asks for what the challenge names, in its order: distribution's order varies
    // from run to run (Go map order)
    assertThat(tokenRequests.get(1).asked("scope=repository:team/scope:pull,push")
        || tokenRequests.get(1).asked("scope=repository:team/scope:push,pull")).as(tokenRequests.get(1).toString()).isTrue();
  }

  @Test
  void insufficientScopeIsAnsweredByOneNewTokenOnBerth() throws Exception {
    insufficientScopeIsAnsweredByOneNewToken(berth.host());
  }

  @Test
  void insufficientScopeIsAnsweredByOneNewTokenOnDistribution() throws Exception {
    insufficientScopeIsAnsweredByOneNewToken(distribution.host());
  }

  @Test
  void theOAuth2PasswordGrantAndTheRefreshGrantWorkAgainstBothRegistries() throws Exception {
    for (String host : List.of(berth.host(), distribution.host())) {
      tokenRequests.clear();
      ChallengeAuthenticator forced = authenticator(host, new Credentials(USER, PASSWORD)).forceOAuth2().offline();
      RegistryClient client = client(host, "team/oauth", forced, true);
      Path blob = Files.write(Files.createTempFile("blob", ".bin"), new byte[] {4, 5});
      client.pushBlob(Digest.sha256(new byte[] {4, 5}), blob, 2);
      assertThat(tokenRequests).singleElement().satisfies(r -> {
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.basic()).isFalse(); // the password goes in the form, never in a header
        assertThat(r.asked("grant_type=password")).isTrue();
      });
      String refresh = forced.refreshToken().orElseThrow();

      // an identity token (what docker keeps after a login) is exchanged, never sent as a password
      tokenRequests.clear();
      RegistryClient withIdentity = client(host, "team/oauth", authenticator(host, new Credentials("<token>", refresh)), false);
      assertThat(withIdentity.checkBlob(Digest.sha256(new byte[] {4, 5}))).contains(2L);
      assertThat(tokenRequests).singleElement().satisfies(r -> {
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.basic()).isFalse();
        assertThat(r.asked("grant_type=refresh_token")).isTrue();
      });
    }
  }
}
