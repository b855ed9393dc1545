package dev.berth.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.auth.TestServer;
import dev.berth.client.store.ImageStore;
import dev.berth.credentials.Credentials;
import dev.berth.model.Digest;
import dev.berth.model.ErrorCode;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport against small real HTTP servers on loopback ports (two ports = two origins). */
class RegistryTransportTest {
  @TempDir Path dir;
  private final List<TestServer> servers = new CopyOnWriteArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void stop() throws Exception {
    for (TestServer s : servers) {
      s.close();
    }
  }

  private TestServer server(java.util.function.BiConsumer<io.vertx.core.http.HttpServerRequest, String> handler) throws Exception {
    TestServer server = new TestServer(handler);
    servers.add(server);
    return server;
  }

  private static List<String> authorizations(TestServer server) {
    return server.seen.stream().map(TestServer.Seen::authorization).toList();
  }

  @Test
  void a401IsAnsweredOnceAndASecond401FailsFastWithTheRegistryMessage() throws Exception {
    TestServer server = server((req, body) -> req.response().setStatusCode(401)
        .putHeader("WWW-Authenticate", "Basic realm=\"test\"")
        .putHeader("Content-Type", "application/json")
        .end("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}"));
    List<String> scopes = new CopyOnWriteArrayList<>();
    Authenticator counting = (challenges, scope) -> {
      scopes.add(scope);
      assertThat(challenges).containsExactly("Basic realm=\"test\"");
      return new BasicOnlyAuthenticator(Optional.of(new Credentials("u", "wrong"))).authorize(challenges, scope);
    };
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(server.host()),
        "a/b", counting, true);

    assertThatThrownBy(() -> client.putManifest("1", "application/vnd.oci.image.manifest.v1+json", new byte[] {'{', '}'}))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
          assertThat(e.reason()).isEqualTo("unauthorized: authentication required");
          assertThat(e.getMessage()).isEqualTo("Tried to push manifest " + server.host()
              + "/a/b:1 but failed because: unauthorized: authentication required");
          assertThat(e.getMessage()).doesNotContain("wrong");
        });
    assertThat(server.seen).hasSize(2);
    assertThat(scopes).containsExactly("repository:a/b:pull,push");
    assertThat(authorizations(server).get(0)).isNull();
    assertThat(authorizations(server).get(1)).startsWith("Basic ");
  }

  @Test
  void withoutCredentialsTheFirst401IsFinal() throws Exception {
    // no body: the status speaks, as for a HEAD
    TestServer server = server((req, body) -> req.response().setStatusCode(401)
        .putHeader("WWW-Authenticate", "Basic realm=\"test\"").end());
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(server.host()),
        "a/b", new BasicOnlyAuthenticator(Optional.empty()), false);
    Digest d = Digest.sha256(new byte[0]);
    assertThatThrownBy(() -> client.checkBlob(d)).isInstanceOfSatisfying(RegistryException.class,
        e -> assertThat(e.reason()).isEqualTo("unauthorized: authentication required"));
    assertThat(server.seen).hasSize(1);
  }

  /** 401 without credentials, else {@code answer}: a registry that wants Basic auth. */
  private TestServer registry(java.util.function.Consumer<io.vertx.core.http.HttpServerResponse> answer) throws Exception {
    return server((req, body) -> {
      if (req.getHeader("Authorization") == null) {
        req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"r\"").end();
      } else {
        answer.accept(req.response());
      }
    });
  }

  @Test
  void blobRedirectsAreFollowedWithoutForwardingCredentialsToAnotherOrigin() throws Exception {
    byte[] blob = "layer bytes".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(blob);
    TestServer storage = server((req, body) -> req.response().setStatusCode(200)
        .end(io.vertx.core.buffer.Buffer.buffer(blob)));
    TestServer registry = registry(res -> res.setStatusCode(307)
        .putHeader("Location", "http://" + storage.host() + "/signed?sig=1").end());
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(registry.host()),
        "a/b", new BasicOnlyAuthenticator(Optional.of(new Credentials("u", "p"))), false);
    ImageStore store = ImageStore.open(dir.resolve("images"));

    assertThat(client.pullBlob(digest, blob.length, store).digest()).isEqualTo(digest);
    assertThat(store.hasBlob(digest)).isTrue();
    assertThat(storage.seen).extracting(TestServer.Seen::uri).containsExactly("/signed?sig=1");
    assertThat(authorizations(storage)).containsExactly((String) null);
  }

  @Test
  void anUploadLocationOnAnotherOriginGetsNoCredentials() throws Exception {
    TestServer elsewhere = server((req, body) -> req.response()
        .setStatusCode(req.method().name().equals("PUT") ? 201 : 202)
        .putHeader("Location", "http://" + req.authority() + "/upload/2").end());
    TestServer registry = registry(res -> res.setStatusCode(202)
        .putHeader("Location", "http://" + elsewhere.host() + "/upload/1").end());
    Path file = java.nio.file.Files.writeString(dir.resolve("blob"), "blob");
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(registry.host()),
        "a/b", new BasicOnlyAuthenticator(Optional.of(new Credentials("u", "p"))), true);
    client.pushBlob(Digest.sha256("blob".getBytes(StandardCharsets.UTF_8)), file, 4);
    assertThat(elsewhere.seen).extracting(TestServer.Seen::method).containsExactly("PATCH", "PUT");
    assertThat(authorizations(elsewhere)).containsExactly(null, null);
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsNotStored() throws Exception {
    TestServer server = server((req, body) -> req.response().setStatusCode(200).end("tampered"));
    Digest wanted = Digest.sha256("original".getBytes(StandardCharsets.UTF_8));
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(server.host()),
        "a/b", new BasicOnlyAuthenticator(Optional.empty()), false);
    ImageStore store = ImageStore.open(dir.resolve("images"));
    assertThatThrownBy(() -> client.pullBlob(wanted, -1, store))
        .hasMessageStartingWith("Tried to pull blob " + wanted + " from " + server.host() + "/a/b but failed because: digest mismatch");
    assertThat(store.hasBlob(wanted)).isFalse();
  }

  @Test
  void unknownHostsAndClosedPortsAreNamed() throws Exception {
    RegistryClient unknown = new RegistryClient(RegistryTransport.newHttpClient(),
        RegistryEndpoint.forHost("no-such-host.invalid"), "a/b", new BasicOnlyAuthenticator(Optional.empty()), false);
    assertThatThrownBy(() -> unknown.getManifest("latest")).isInstanceOf(RegistryUnreachableException.class)
        .hasMessageStartingWith("unknown registry host: no-such-host.invalid");

    int port;
    try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RegistryClient closed = new RegistryClient(RegistryTransport.newHttpClient(),
        RegistryEndpoint.forHost("127.0.0.1:" + port), "a/b", new BasicOnlyAuthenticator(Optional.empty()), false);
    assertThatThrownBy(() -> closed.getManifest("latest")).isInstanceOf(RegistryUnreachableException.class)
        .hasMessageContaining("127.0.0.1:" + port);
  }
}
