package dev.berth.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.store.ImageStore;
import dev.berth.credentials.Credentials;
import dev.berth.model.Digest;
import dev.berth.model.ErrorCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport against small real HTTP servers on loopback ports (two ports = two origins). */
class RegistryTransportTest {
  @TempDir Path dir;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private HttpServer server() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    servers.add(server);
    server.start();
    return server;
  }

  private static String host(HttpServer s) {
    return "127.0.0.1:" + s.getAddress().getPort();
  }

  @Test
  void a401IsAnsweredOnceAndASecond401FailsFastWithTheRegistryMessage() throws Exception {
    HttpServer server = server();
    AtomicInteger requests = new AtomicInteger();
    List<String> authHeaders = new CopyOnWriteArrayList<>();
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      authHeaders.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      byte[] body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}"
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(401, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    AtomicInteger asked = new AtomicInteger();
    List<String> scopes = new CopyOnWriteArrayList<>();
    Authenticator counting = (challenges, scope) -> {
      asked.incrementAndGet();
      scopes.add(scope);
      assertThat(challenges).containsExactly("Basic realm=\"test\"");
      return new BasicOnlyAuthenticator(Optional.of(new Credentials("u", "wrong"))).authorize(challenges, scope);
    };
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(host(server)),
        "a/b", counting, true);

    assertThatThrownBy(() -> client.putManifest("1", "application/vnd.oci.image.manifest.v1+json", new byte[] {'{', '}'}))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
          assertThat(e.reason()).isEqualTo("unauthorized: authentication required");
          assertThat(e.getMessage()).isEqualTo("Tried to push manifest " + host(server)
              + "/a/b:1 but failed because: unauthorized: authentication required");
          assertThat(e.getMessage()).doesNotContain("wrong");
        });
    assertThat(requests).hasValue(2);
    assertThat(asked).hasValue(1);
    assertThat(scopes).containsExactly("repository:a/b:pull,push");
    assertThat(authHeaders.get(0)).isEqualTo("null");
    assertThat(authHeaders.get(1)).startsWith("Basic ");
  }

  @Test
  void withoutCredentialsTheFirst401IsFinal() throws Exception {
    HttpServer server = server();
    AtomicInteger requests = new AtomicInteger();
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
      ex.sendResponseHeaders(401, -1); // HEAD-like: no body, the status speaks
      ex.close();
    });
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(host(server)),
        "a/b", new BasicOnlyAuthenticator(Optional.empty()), false);
    Digest d = Digest.sha256(new byte[0]);
    assertThatThrownBy(() -> client.checkBlob(d)).isInstanceOfSatisfying(RegistryException.class,
        e -> assertThat(e.reason()).isEqualTo("unauthorized: authentication required"));
    assertThat(requests).hasValue(1);
  }

  @Test
  void blobRedirectsAreFollowedWithoutForwardingCredentialsToAnotherOrigin() throws Exception {
    byte[] blob = "layer bytes".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(blob);
    HttpServer storage = server();
    List<String> storageAuth = new CopyOnWriteArrayList<>();
    storage.createContext("/signed", ex -> {
      storageAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      ex.sendResponseHeaders(200, blob.length);
      ex.getResponseBody().write(blob);
      ex.close();
    });
    HttpServer registry = server();
    registry.createContext("/", ex -> {
      if (ex.getRequestHeaders().getFirst("Authorization") == null) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"r\"");
        ex.sendResponseHeaders(401, -1);
      } else {
        ex.getResponseHeaders().add("Location", "http://" + host(storage) + "/signed?sig=1");
        ex.sendResponseHeaders(307, -1);
      }
      ex.close();
    });
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(host(registry)),
        "a/b", new BasicOnlyAuthenticator(Optional.of(new Credentials("u", "p"))), false);
    ImageStore store = ImageStore.open(dir.resolve("images"));

    assertThat(client.pullBlob(digest, blob.length, store).digest()).isEqualTo(digest);
    assertThat(store.hasBlob(digest)).isTrue();
    assertThat(storageAuth).containsExactly("null");
  }

  @Test
  void anUploadLocationOnAnotherOriginGetsNoCredentials() throws Exception {
    HttpServer elsewhere = server();
    List<String> elsewhereAuth = new CopyOnWriteArrayList<>();
    elsewhere.createContext("/", ex -> {
      elsewhereAuth.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Authorization"));
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().add("Location", "http://" + host(elsewhere) + "/upload/2");
      ex.sendResponseHeaders(ex.getRequestMethod().equals("PUT") ? 201 : 202, -1);
      ex.close();
    });
    HttpServer registry = server();
    registry.createContext("/", ex -> {
      if (ex.getRequestHeaders().getFirst("Authorization") == null) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"r\"");
        ex.sendResponseHeaders(401, -1);
      } else {
        ex.getResponseHeaders().add("Location", "http://" + host(elsewhere) + "/upload/1");
        ex.sendResponseHeaders(202, -1);
      }
      ex.close();
    });
    Path file = java.nio.file.Files.writeString(dir.resolve("blob"), "blob");
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(host(registry)),
        "a/b", new BasicOnlyAuthenticator(Optional.of(new Credentials("u", "p"))), true);
    client.pushBlob(Digest.sha256("blob".getBytes(StandardCharsets.UTF_8)), file, 4);
    assertThat(elsewhereAuth).containsExactly("PATCH null", "PUT null");
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsNotStored() throws Exception {
    HttpServer server = server();
    server.createContext("/", ex -> {
      byte[] body = "tampered".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    Digest wanted = Digest.sha256("original".getBytes(StandardCharsets.UTF_8));
    RegistryClient client = new RegistryClient(RegistryTransport.newHttpClient(), RegistryEndpoint.forHost(host(server)),
        "a/b", new BasicOnlyAuthenticator(Optional.empty()), false);
    ImageStore store = ImageStore.open(dir.resolve("images"));
    assertThatThrownBy(() -> client.pullBlob(wanted, -1, store))
        .hasMessageStartingWith("Tried to pull blob " + wanted + " from " + host(server) + "/a/b but failed because: digest mismatch");
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
