package dev.berth.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.AuthenticationException;
import dev.berth.client.auth.ChallengeAuthenticator;
import dev.berth.client.auth.TestServer;
import dev.berth.client.store.ImageStore;
import dev.berth.credentials.Credentials;
import dev.berth.model.Digest;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No credential ever leaves for another origin. A registry with token auth on 127.0.0.1 sends blob
 * downloads (307) and uploads (202 Location) to a storage server on 127.0.0.2 (a machine across
 * the network, as far as the client is told) that records every header and URL it receives; a
 * token realm there, over plain HTTP, is refused the password.
 */
@Timeout(60)
class CredentialLeakTest {
  private static final String PASSWORD = "s3cret-Pa55";
  private static final Credentials ALICE = new Credentials("alice", PASSWORD);
  private static final byte[] BLOB = "the layer, stored elsewhere".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.sha256(BLOB);

  @TempDir Path dir;
  private final List<TestServer> servers = new CopyOnWriteArrayList<>();
  private final AtomicInteger tokens = new AtomicInteger();
  TestServer storage;
  TestServer realm;
  TestServer registry;

  @BeforeEach
  void start() throws Exception {
    storage = server("127.0.0.2", (req, body) -> {
      switch (req.method().name()) {
        case "GET" -> req.response().end(Buffer.buffer(BLOB));
        case "PATCH" -> req.response().setStatusCode(202).putHeader("Location", "/upload/2").end();
        default -> req.response().setStatusCode(201).end();
      }
    });
    realm = server("127.0.0.1", (req, body) -> {
      String expected = "Basic " + Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      if (expected.equals(req.getHeader("Authorization"))) {
        req.response().end("{\"token\":\"tok-" + tokens.incrementAndGet() + "-secret\",\"expires_in\":300}");
      } else {
        req.response().setStatusCode(401).end();
      }
    });
    registry = server("127.0.0.1", (req, body) -> {
      String auth = req.getHeader("Authorization");
      if (auth == null || !auth.startsWith("Bearer tok-")) {
        req.response().setStatusCode(401).putHeader("WWW-Authenticate",
            "Bearer realm=\"http://" + realm.host() + "/token\",service=\"registry\"").end();
      } else if (req.method().name().equals("GET")) {
        req.response().setStatusCode(307).putHeader("Location", "http://" + storage.host() + "/signed/blob?sig=abc").end();
      } else if (req.method().name().equals("POST")) {
        req.response().setStatusCode(202).putHeader("Location", "http://" + storage.host() + "/upload/1").end();
      } else {
        req.response().setStatusCode(404).end();
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    for (TestServer s : servers) {
      s.close();
    }
  }

  private TestServer server(String address, java.util.function.BiConsumer<io.vertx.core.http.HttpServerRequest, String> h)
      throws Exception {
    TestServer s = new TestServer(address, h);
    servers.add(s);
    return s;
  }

  /** Only the registry and its realm are "this machine": 127.0.0.2 stands for object storage elsewhere. */
  private boolean local(String authority) {
    return authority.equals(registry.host()) || authority.equals(realm.host());
  }

  private RegistryClient client(boolean insecure) {
    TransportOptions options = TransportOptions.defaults().withRetry(RetryPolicy.none()).withLoopback(this::local)
        .withInsecure(insecure);
    var http = options.newHttpClient();
    var auth = new ChallengeAuthenticator(RegistryEndpoint.forHost(registry.host()), Optional.of(ALICE), http)
        .withLoopback(this::local);
    return new RegistryClient(http, RegistryEndpoint.forHost(registry.host()), "team/app", auth, true, options);
  }

  /** Everything the storage server was sent, header names and values and URLs, in one list. */
  private List<String> everythingStorageSaw() {
    List<String> all = new ArrayList<>();
    for (TestServer.Seen seen : storage.seen) {
      all.add(seen.uri());
      seen.headers().forEach((k, v) -> all.add(k + ": " + v));
    }
    return all;
  }

  private static void assertNoSecretIn(List<String> texts) {
    String basic = Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(texts).isNotEmpty().allSatisfy(t -> assertThat(t)
        .doesNotContainIgnoringCase("authorization")
        .doesNotContain(PASSWORD).doesNotContain(basic).doesNotContain("tok-").doesNotContain("Bearer"));
  }

  @Test
  void downloadsAndUploadsSentToAnotherOriginCarryNoCredentialOfAnyKind() throws Exception {
    RegistryClient client = client(true);
    ImageStore store = ImageStore.open(dir.resolve("images"));
    assertThat(client.pullBlob(DIGEST, BLOB.length, store).digest()).isEqualTo(DIGEST);
    Path file = Files.write(dir.resolve("blob"), BLOB);
    client.pushBlob(DIGEST, file, BLOB.length);

    assertThat(storage.seen).extracting(TestServer.Seen::method).containsExactly("GET", "PATCH", "PUT");
    assertNoSecretIn(everythingStorageSaw());
    // while the registry itself got the token, and only the realm the password
    assertThat(registry.seen).extracting(TestServer.Seen::authorization).contains("Bearer tok-1-secret");
    assertThat(realm.seen).hasSize(1);
  }

  @Test
  void plainHttpToAnotherHostIsRefusedBeforeAnythingIsSentUnlessInsecure() throws Exception {
    RegistryClient client = client(false);
    ImageStore store = ImageStore.open(dir.resolve("images"));
    assertThatThrownBy(() -> client.pullBlob(DIGEST, BLOB.length, store))
        .hasMessageEndingWith("the registry sent us to http://" + storage.host()
            + ", another server over plain HTTP (allowed only with --insecure)");
    Path file = Files.write(dir.resolve("blob"), BLOB);
    assertThatThrownBy(() -> client.pushBlob(DIGEST, file, BLOB.length))
        .hasMessageEndingWith("another server over plain HTTP (allowed only with --insecure)");
    assertThat(storage.seen).isEmpty();
  }

  @Test
  void aPlainHttpTokenRealmOnAnotherHostNeverGetsThePassword() throws Exception {
    TestServer farRealm = server("127.0.0.2", (req, body) -> req.response().end("{\"token\":\"x\"}"));
    TestServer other = server("127.0.0.1", (req, body) -> req.response().setStatusCode(401)
        .putHeader("WWW-Authenticate", "Bearer realm=\"http://" + farRealm.host() + "/token\",service=\"r\"").end());
    TransportOptions options = TransportOptions.defaults().withRetry(RetryPolicy.none())
        .withLoopback(a -> a.equals(other.host()));
    var http = options.newHttpClient();
    var auth = new ChallengeAuthenticator(RegistryEndpoint.forHost(other.host()), Optional.of(ALICE), http)
        .withLoopback(a -> a.equals(other.host()));
    RegistryClient client = new RegistryClient(http, RegistryEndpoint.forHost(other.host()), "team/app", auth, false, options);

    assertThatThrownBy(() -> client.getManifest("1"))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(AuthenticationException.Kind.INSECURE))
        .hasMessage("refusing to send credentials for " + other.host() + " to token server http://" + farRealm.host()
            + "/token over plain HTTP");
    assertThat(farRealm.seen).isEmpty();
  }

  @Test
  void registriesAwayFromLoopbackAreSpokenToOverHttpsOnly() {
    assertThat(RegistryEndpoint.forHost("registry.example:5000").baseUri().getScheme()).isEqualTo("https");
    assertThat(RegistryEndpoint.forHost("10.0.0.7:5000").baseUri().getScheme()).isEqualTo("https");
    assertThat(RegistryEndpoint.forHost("127.0.0.1:5000").baseUri().getScheme()).isEqualTo("http");
    assertThat(RegistryEndpoint.forHost("localhost:5000").baseUri().getScheme()).isEqualTo("http");
  }
}
