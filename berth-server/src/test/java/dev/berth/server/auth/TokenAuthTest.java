package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.model.Digest;
import dev.berth.server.RegistryServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.auth.token.SigningKeys;
import dev.berth.testkit.AccessRulesFile;
import dev.berth.testkit.Htpasswd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token service and bearer-token access against a real server on a real port: both flows,
 * refresh tokens, revocation, rules, and forged or misused tokens.
 */
class TokenAuthTest {
  @TempDir static Path dir;
  static RegistryServer server;
  static String base;
  static Path users;
  static final ByteArrayOutputStream log = new ByteArrayOutputStream();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    users = Htpasswd.write(dir.resolve("htpasswd"), Map.of("alice", "alice-pw", "bob", "bob-pw", "carol", "carol-pw"));
    // everyone pulls and pushes team/**; private/** is carol's, alice may read it; carol deletes
    Path rules = AccessRulesFile.write(dir.resolve("rules.yml"), """
        groups:
          admins: [carol]
        rules:
          - repositories: ["team/**", "public/**"]
            users: ["*"]
            actions: [pull, push]
          - repositories: ["**"]
            groups: [admins]
            actions: [pull, push, delete]
          - repositories: ["private/**"]
            users: [alice]
            actions: [pull]
          - repositories: ["public/**"]
            anonymous: true
            actions: [pull]
        """);
    server = RegistryServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"), users, true)
        .withAuth(AuthSettings.defaults().withUsersFileGiven(true).withRulesFile(rules)),
        new PrintStream(log, true, StandardCharsets.UTF_8));
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
    assertThat(log.toString(StandardCharsets.UTF_8))
        .doesNotContain("alice-pw").doesNotContain("bob-pw").doesNotContain("berth_rt_");
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, Object> json(HttpResponse<String> r) throws Exception {
    return JSON.std.mapFrom(r.body());
  }

  static String token(String user, String password, String... scopes) throws Exception {
    StringBuilder q = new StringBuilder("/token?service=berth");
    for (String s : scopes) {
      q.append("&scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = get(q.toString(), user == null ? null : basic(user, password));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return (String) json(r).get("token");
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  @Test
  void challengeNamesRealmServiceAndScope() throws Exception {
    HttpResponse<String> ping = get("/v2/", null);
    assertThat(ping.statusCode()).isEqualTo(401);
    assertThat(ping.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"" + base + "/token\",service=\"berth\"");
    HttpResponse<String> tags = get("/v2/team/app/tags/list", null);
    assertThat(tags.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"" + base + "/token\",service=\"berth\",scope=\"repository:team/app:pull\"");
  }

  @Test
  void tokenFromTheGetFlowCarriesTheClaimsAndOpensTheApi() throws Exception {
    HttpResponse<String> r = get("/token?service=berth&scope=repository:team/app:pull,push&scope=registry:catalog:*"
        + "&client_id=test&account=alice", basic("alice", "alice-pw"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, Object> body = json(r);
    assertThat(((Number) body.get("expires_in")).longValue()).isGreaterThanOrEqualTo(60);
    assertThat(body).containsKey("issued_at").doesNotContainKey("refresh_token");
    String token = (String) body.get("token");
    assertThat(body.get("access_token")).isEqualTo(token);

    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("berth");
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getAudience()).containsExactly("berth");
    assertThat(claims.getExpirationTime()).isNotNull();
    assertThat(claims.getNotBeforeTime()).isNotNull();
    assertThat(claims.getIssueTime()).isNotNull();
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getListClaim("access")).hasSize(2);

    assertThat(get("/v2/", bearer(token)).statusCode()).isEqualTo(200);
    assertThat(get("/v2/team/app/tags/list", bearer(token)).statusCode()).isEqualTo(404); // allowed, unknown repo
    assertThat(get("/v2/_catalog", bearer(token)).statusCode()).isEqualTo(200);
  }

  @Test
  void askingForMoreThanAllowedGrantsTheIntersection() throws Exception {
    // bob may pull and push team/**, not delete, and nothing in private/**
    HttpResponse<String> r = get("/token?service=berth&scope=repository:team/app:pull,push,delete"
        + "&scope=repository:private/x:pull", basic("bob", "bob-pw"));
    assertThat(r.statusCode()).isEqualTo(200);
    String token = (String) json(r).get("token");
    assertThat(SignedJWT.parse(token).getJWTClaimsSet().getListClaim("access"))
        .containsExactly(Map.of("type", "repository", "name", "team/app", "actions", List.of("pull", "push")));
    // a delete with it: the rules would not grant it anyway, so 403, not a challenge
    HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/team/app/manifests/"
        + Digest.sha256("x".getBytes(StandardCharsets.UTF_8)))).header("Authorization", bearer(token)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(403);
    assertThat(delete.body()).contains("DENIED");
  }

  @Test
  void aTokenForOneRepositoryIsNotATokenForAnother() throws Exception {
    String token = token("alice", "alice-pw", "repository:team/a:pull");
    HttpResponse<String> other = get("/v2/team/b/tags/list", bearer(token));
    assertThat(other.statusCode()).isEqualTo(401);
    assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("scope=\"repository:team/b:pull\"").contains("error=\"insufficient_scope\"");
  }

  @Test
  void theCatalogListsOnlyWhatTheCallerMayPull() throws Exception {
    pushEmptyImage("team/visible", token("carol", "carol-pw", "repository:team/visible:pull,push"));
    pushEmptyImage("private/secret", token("carol", "carol-pw", "repository:private/secret:pull,push"));
    HttpResponse<String> forBob = get("/v2/_catalog", bearer(token("bob", "bob-pw", "registry:catalog:*")));
    assertThat(forBob.statusCode()).isEqualTo(200);
    assertThat(forBob.body()).contains("team/visible").doesNotContain("private/secret");
    HttpResponse<String> forAlice = get("/v2/_catalog", bearer(token("alice", "alice-pw", "registry:catalog:*")));
    assertThat(forAlice.body()).contains("team/visible").contains("private/secret");
    // without the catalog scope in the token: a challenge for it
    HttpResponse<String> noScope = get("/v2/_catalog", bearer(token("bob", "bob-pw")));
    assertThat(noScope.statusCode()).isEqualTo(401);
    assertThat(noScope.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("scope=\"registry:catalog:*\"");
  }

  @Test
  void offlineLoginsGetARefreshTokenThatWorksUntilRevoked() throws Exception {
    HttpResponse<String> login = get("/token?service=berth&offline_token=true&client_id=docker&account=alice",
        basic("alice", "alice-pw"));
    assertThat(login.statusCode()).isEqualTo(200);
    String refresh = (String) json(login).get("refresh_token");
    assertThat(refresh).startsWith("berth_rt_");
    assertThat(get("/v2/", bearer((String) json(login).get("token"))).statusCode()).isEqualTo(200);

    HttpResponse<String> refreshed = post("/token", "grant_type=refresh_token&service=berth&client_id=docker"
        + "&scope=" + URLEncoder.encode("repository:team/app:pull", StandardCharsets.UTF_8)
        + "&refresh_token=" + refresh);
    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
    String access = (String) json(refreshed).get("access_token");
    assertThat(get("/v2/team/app/tags/list", bearer(access)).statusCode()).isEqualTo(404);

    // a refresh token is not an access token, and an access token is not a refresh token
    assertThat(get("/v2/", bearer(refresh)).headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"");
    HttpResponse<String> misuse = post("/token", "grant_type=refresh_token&service=berth&refresh_token=" + access);
    assertThat(misuse.statusCode()).isEqualTo(401);
    assertThat(json(misuse)).containsEntry("error", "invalid_grant");

    // revoked: the refresh token and the access token minted from it stop at once
    assertThat(post("/token/revoke", "token=" + refresh + "&token_type_hint=refresh_token").statusCode()).isEqualTo(200);
    assertThat(get("/v2/team/app/tags/list", bearer(access)).statusCode()).isEqualTo(401);
    assertThat(post("/token", "grant_type=refresh_token&service=berth&refresh_token=" + refresh).statusCode())
        .isEqualTo(401);
    // revoking an unknown token is no error (RFC 7009)
    assertThat(post("/token/revoke", "token=berth_rt_unknown").statusCode()).isEqualTo(200);
  }

  @Test
  void theOauthPasswordGrantWorksAndOffersARefreshToken() throws Exception {
    HttpResponse<String> r = post("/token", "grant_type=password&username=alice&password=alice-pw&service=berth"
        + "&client_id=test&access_type=offline&scope=" + URLEncoder.encode("repository:team/app:pull", StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r)).containsKeys("access_token", "refresh_token", "expires_in", "scope");
    assertThat(json(r).get("scope")).isEqualTo("repository:team/app:pull");
    HttpResponse<String> wrong = post("/token", "grant_type=password&username=alice&password=nope&service=berth");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong)).containsEntry("error", "invalid_grant");
    assertThat(wrong.body()).contains("UNAUTHORIZED");
  }

  @Test
  void forgedTokensAreRefused() throws Exception {
    ECKey key = SigningKeys.read(SigningKeys.keysFile(dir.resolve("data/auth"))).signer();
    JWTClaimsSet good = claims("alice", "berth", "berth", Instant.now().plusSeconds(120));
    List<String> forged = List.of(
        new PlainJWT(good).serialize(), // alg: none
        hs256WithPublicKey(key, good),
        es256(key, claims("alice", "berth", "other-service", Instant.now().plusSeconds(120))), // wrong aud
        es256(key, claims("alice", "someone-else", "berth", Instant.now().plusSeconds(120))), // wrong iss
        es256(key, claims("alice", "berth", "berth", Instant.now().minusSeconds(300))), // expired beyond leeway
        es256(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID(key.getKeyID())
            .generate(), good), // same key id, another key
        "not.a.token",
        "x".repeat(6_000)); // longer than any token, shorter than the header limit

    for (String token : forged) {
      HttpResponse<String> r = get("/v2/team/app/tags/list", bearer(token));
      assertThat(r.statusCode()).as(token.length() > 80 ? token.substring(0, 80) : token).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");
    }
    // a header past the server's limit is refused before anything reads it
    assertThat(get("/v2/team/app/tags/list", bearer("x".repeat(20_000))).statusCode()).isEqualTo(431);
    // the same claims, signed by the real key, are accepted: the checks above are what refused them
    assertThat(get("/v2/team/app/tags/list", bearer(es256(key, good))).statusCode()).isEqualTo(404);
  }

  @Test
  void malformedCredentialsAndFormsGetClearAnswers() throws Exception {
    assertThat(get("/token?service=berth", "Basic !!!notbase64").statusCode()).isEqualTo(400);
    assertThat(get("/token?service=other", basic("alice", "alice-pw")).statusCode()).isEqualTo(400);
    HttpResponse<String> big = post("/token", "grant_type=password&username=" + "a".repeat(70_000));
    assertThat(big.statusCode()).isEqualTo(413);
    HttpResponse<String> notForm = http.send(HttpRequest.newBuilder(URI.create(base + "/token"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notForm.statusCode()).isEqualTo(400);
    assertThat(post("/token", "grant_type=client_credentials").statusCode()).isEqualTo(400);
    HttpResponse<String> hugeBasic = get("/v2/", "Basic " + "A".repeat(6000));
    assertThat(hugeBasic.statusCode()).isEqualTo(401);
  }

  @Test
  void anonymousPullFollowsTheRules() throws Exception {
    String anonymous = token(null, null, "repository:public/tool:pull,push", "repository:team/app:pull");
    List<Object> access = SignedJWT.parse(anonymous).getJWTClaimsSet().getListClaim("access");
    assertThat(access).containsExactly(Map.of("type", "repository", "name", "public/tool", "actions", List.of("pull")));
    assertThat(get("/v2/public/tool/tags/list", null).statusCode()).isEqualTo(404); // allowed without a token too
    assertThat(get("/v2/team/app/tags/list", null).statusCode()).isEqualTo(401);
  }

  /** A client connecting from its own loopback address: throttling counts per address. */
  static HttpClient clientFrom(String address) throws Exception {
    return HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName(address)).build();
  }

  static HttpResponse<String> tokenFrom(HttpClient client, String user, String password) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + "/token?service=berth"))
        .header("Authorization", basic(user, password)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPersonalTokenIsAPasswordWithinItsScopesAndItsRevocationEndsLoginsMadeWithIt() throws Exception {
    String pat = TokenSecrets.newSecret(TokenSecrets.PERSONAL_PREFIX);
    String id = TokenSecrets.newId();
    try (var store = dev.berth.server.auth.store.SqliteAuthStore.open(dir.resolve("data/auth/state.db"))) {
      store.add(new dev.berth.server.auth.store.StoredToken(id, dev.berth.server.auth.store.StoredToken.Kind.PERSONAL,
          "bob", "ci", List.of("repository:team/ci/*:pull"), null, TokenSecrets.hash(pat), Instant.now(),
          Instant.now().plusSeconds(3600), null, null));
    }
    HttpResponse<String> login = get("/token?service=berth&offline_token=true&client_id=docker"
        + "&scope=repository:team/ci/app:pull,push&scope=repository:team/other:pull", basic("bob", pat));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    // narrowed to the token's scopes although bob may push all of team/**
    assertThat(SignedJWT.parse((String) json(login).get("token")).getJWTClaimsSet().getListClaim("access"))
        .containsExactly(Map.of("type", "repository", "name", "team/ci/app", "actions", List.of("pull")));
    String refresh = (String) json(login).get("refresh_token");
    assertThat(get("/token?service=berth", basic("alice", pat)).statusCode()).as("another user's name").isEqualTo(401);
    // Basic with the token works on the API too, within its scope
    assertThat(get("/v2/team/ci/app/tags/list", basic("bob", pat)).statusCode()).isEqualTo(404);
    assertThat(get("/v2/team/other/tags/list", basic("bob", pat)).statusCode()).isEqualTo(403);

    assertThat(post("/token/revoke", "token=" + pat).statusCode()).isEqualTo(200);
    assertThat(get("/token?service=berth", basic("bob", pat)).statusCode()).isEqualTo(401);
    assertThat(post("/token", "grant_type=refresh_token&service=berth&refresh_token=" + refresh).statusCode())
        .as("a login made with a revoked token ends with it").isEqualTo(401);
  }

  @Test
  void passwordGuessingIsThrottledButTheRealUserGetsIn() throws Exception {
    HttpClient guesser = clientFrom("127.0.0.7");
    for (int i = 0; i < 6; i++) {
      assertThat(tokenFrom(guesser, "alice", "guess " + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> slowed = tokenFrom(guesser, "alice", "alice-pw");
    assertThat(slowed.statusCode()).isEqualTo(429);
    assertThat(slowed.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
    assertThat(slowed.body()).contains("TOOMANYREQUESTS").doesNotContain("alice-pw");
    // Basic on the registry API is throttled alike
    HttpResponse<String> api = guesser.send(HttpRequest.newBuilder(URI.create(base + "/v2/team/app/tags/list"))
        .header("Authorization", basic("alice", "alice-pw")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(429);
    assertThat(api.headers().firstValue("Retry-After")).isPresent();

    assertThat(tokenFrom(clientFrom("127.0.0.8"), "alice", "alice-pw").statusCode()).isEqualTo(200);
    Thread.sleep(1100); // the first wait is a second: then the right password works from there too
    assertThat(tokenFrom(guesser, "alice", "alice-pw").statusCode()).isEqualTo(200);
  }

  @Test
  void aFloodOfWrongPasswordsNeitherQueuesUpBcryptNorBlocksGoodLogins() throws Exception {
    HttpClient flooder = clientFrom("127.0.0.11");
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> flood = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      flood.add(flooder.sendAsync(HttpRequest.newBuilder(URI.create(base + "/token?service=berth"))
          .header("Authorization", basic("user" + i, "wrong")).build(), HttpResponse.BodyHandlers.ofString()));
    }
    // meanwhile: a login nobody made before, from elsewhere, and a request with a token
    HttpResponse<String> good = tokenFrom(clientFrom("127.0.0.12"), "carol", "carol-pw");
    String token = token("bob", "bob-pw", "repository:team/flood:pull");
    assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    assertThat(get("/v2/team/flood/tags/list", bearer(token)).statusCode()).isEqualTo(404);
    long refusedUnchecked = 0;
    for (var f : flood) {
      int status = f.get().statusCode();
      assertThat(status).isIn(401, 429);
      refusedUnchecked += status == 429 ? 1 : 0;
    }
    // past the address's allowance, guesses are turned away before any bcrypt work
    assertThat(refusedUnchecked).isGreaterThanOrEqualTo(150);
  }

  @Test
  void unknownUsersTakeAsLongAsKnownOnes() throws Exception {
    // a user with the usual cost (bcrypt cost 10); unknown names are checked against a dummy of that cost
    UsersFileEditor.put(users, "erin", "erin-pw".toCharArray(), 10, false, false);
    Thread.sleep(1100);
    HttpClient client = clientFrom("127.0.0.9");
    tokenFrom(client, "erin", "warm-up");
    long known = 0;
    long unknown = 0;
    for (int i = 0; i < 4; i++) {
      long t0 = System.nanoTime();
      assertThat(tokenFrom(client, "erin", "wrong " + i).statusCode()).isEqualTo(401);
      long t1 = System.nanoTime();
      assertThat(tokenFrom(client, "nobody-" + i, "wrong").statusCode()).isEqualTo(401);
      long t2 = System.nanoTime();
      known += t1 - t0;
      unknown += t2 - t1;
    }
    // the same bcrypt work either way: without the dummy check an unknown name answers ~1000x faster
    assertThat((double) unknown / known).as("unknown %d ms vs known %d ms", unknown / 1_000_000, known / 1_000_000)
        .isBetween(0.5, 2.0);
  }

  @Test
  void aKeyRotationOnARunningServerKeepsIssuedTokensWorking() throws Exception {
    String before = token("alice", "alice-pw", "repository:team/rotate:pull");
    String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
    SigningKeys.rotate(dir.resolve("data/auth"), Instant.now());
    // picked up at the next check (once a second), once the new set is parsed: on a loaded machine
    // a request may still be signed with the old key while the poller parses, so wait a while
    String after = before;
    for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; ) {
      Thread.sleep(250);
      after = token("alice", "alice-pw", "repository:team/rotate:pull");
      if (!SignedJWT.parse(after).getHeader().getKeyID().equals(oldKid)) {
        break;
      }
    }
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isNotEqualTo(oldKid);
    assertThat(get("/v2/team/rotate/tags/list", bearer(before)).statusCode()).isEqualTo(404);
    assertThat(get("/v2/team/rotate/tags/list", bearer(after)).statusCode()).isEqualTo(404);
  }

  @Test
  void authNoneLetsAnyonePushPullAndDeleteAndSaysSo(@TempDir Path own) throws Exception {
    Path ownUsers = Htpasswd.create(own.resolve("htpasswd"), "frank", "frank-pw");
    ByteArrayOutputStream ownLog = new ByteArrayOutputStream();
    try (RegistryServer open = RegistryServer.start(new ServerConfig("127.0.0.1", 0, own.resolve("data"), ownUsers, true)
        .withAuth(AuthSettings.of(AuthSettings.Mode.NONE).withUsersFileGiven(true)),
        new PrintStream(ownLog, true, StandardCharsets.UTF_8))) {
      String openBase = "http://127.0.0.1:" + open.port();
      HttpResponse<String> ping = http.send(HttpRequest.newBuilder(URI.create(openBase + "/v2/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ping.statusCode()).isEqualTo(200);
      assertThat(ping.headers().firstValue("WWW-Authenticate")).isEmpty();
      HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(openBase + "/v2/a/b/blobs/uploads/"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
      HttpResponse<String> cancel = http.send(HttpRequest.newBuilder(URI.create(openBase
          + upload.headers().firstValue("Location").orElseThrow())).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(204);
      assertThat(ownLog.toString(StandardCharsets.UTF_8)).contains("warning: --auth none: anyone who can reach");
    }
  }

  @Test
  void ruleChangesApplyWithoutARestart(@TempDir Path own) throws Exception {
    Path ownUsers = Htpasswd.create(own.resolve("htpasswd"), "frank", "frank-pw");
    Path rules = AccessRulesFile.write(own.resolve("rules.yml"), """
        rules:
          - repositories: ["**"]
            users: [frank]
            actions: [pull]
        """);
    ByteArrayOutputStream ownLog = new ByteArrayOutputStream();
    try (RegistryServer second = RegistryServer.start(new ServerConfig("127.0.0.1", 0, own.resolve("data"), ownUsers, true)
        .withAuth(AuthSettings.of(AuthSettings.Mode.BASIC).withUsersFileGiven(true).withRulesFile(rules)),
        new PrintStream(ownLog, true, StandardCharsets.UTF_8))) {
      URI upload = URI.create("http://127.0.0.1:" + second.port() + "/v2/a/b/blobs/uploads/");
      HttpRequest post = HttpRequest.newBuilder(upload).header("Authorization", basic("frank", "frank-pw"))
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
      AccessRulesFile.write(rules, "rules:\n  - repositories: [\"**\"]\n    users: [frank]\n    actions: [pull, push]\n");
      Thread.sleep(1200);
      assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
      // a broken edit keeps the rules in force and says so in one line
      AccessRulesFile.write(rules, "rules: [\n");
      Thread.sleep(1200);
      assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
      assertThat(ownLog.toString(StandardCharsets.UTF_8)).contains("is invalid, keeping the previous version");
    }
  }

  private static JWTClaimsSet claims(String sub, String iss, String aud, Instant exp) {
    return new JWTClaimsSet.Builder().subject(sub).issuer(iss).audience(aud).expirationTime(Date.from(exp))
        .notBeforeTime(Date.from(exp.minusSeconds(600))).issueTime(Date.from(exp.minusSeconds(600)))
        .jwtID("x").claim("access", List.of(Map.of("type", "repository", "name", "team/app", "actions", List.of("pull"))))
        .build();
  }

  private static String es256(ECKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
        .keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  /** The classic confusion attack: an HMAC keyed with the (public) verification key. */
  private static String hs256WithPublicKey(ECKey key, JWTClaimsSet claims) throws Exception {
    byte[] secret = key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new MACSigner(java.util.Arrays.copyOf(secret, Math.max(32, secret.length))));
    return jwt.serialize();
  }

  private static void pushEmptyImage(String repository, String token) throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(config);
    HttpResponse<String> blob = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository
        + "/blobs/uploads/?digest=" + digest)).header("Authorization", bearer(token))
        .POST(HttpRequest.BodyPublishers.ofByteArray(config)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(blob.statusCode()).as(blob.body()).isEqualTo(201);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest
        + "\",\"size\":2},\"layers\":[]}";
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/manifests/v1"))
        .header("Authorization", bearer(token)).header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
        .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
  }
}
