package dev.berth.client.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.TestServer;
import dev.berth.client.http.BodyLimitException;
import dev.berth.client.http.Hostile;
import dev.berth.client.store.ImageStore;
import dev.berth.credentials.Credentials;
import dev.berth.model.Digest;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries and storage hosts that lie about sizes, never stop, trickle, or send uploads and
 * downloads elsewhere over plain HTTP: the client stays bounded and says so in one line.
 */
@org.junit.jupiter.api.Timeout(60)
class HostileRegistryTest {
  private static final byte[] BLOB = new byte[100];
  private static final Digest DIGEST = Digest.sha256(BLOB);
  private static final Credentials ALICE = new Credentials("alice", "s3cret");

  @TempDir Path dir;
  private final List<TestServer> servers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (TestServer s : servers) {
      s.close();
    }
  }

  private TestServer server(BiConsumer<HttpServerRequest, String> handler) throws Exception {
    return server("127.0.0.1", handler);
  }

  private TestServer server(String address, BiConsumer<HttpServerRequest, String> handler) throws Exception {
    TestServer s = new TestServer(address, handler);
    servers.add(s);
    return s;
  }

  private static RegistryClient client(TestServer registry, TransportOptions options) {
    TransportOptions once = options.withRetry(RetryPolicy.none());
    return new RegistryClient(once.newHttpClient(), RegistryEndpoint.forHost(registry.host()), "a/b",
        new BasicOnlyAuthenticator(Optional.of(ALICE)), true, once);
  }

  /** One attempt: these registries fail for ever, and each test is about one failure's message. */
  private static RegistryClient client(TestServer registry) {
    return client(registry, TransportOptions.defaults());
  }



  private ImageStore store() throws Exception {
    return ImageStore.open(dir.resolve("images"));
  }

  /** Nothing of a refused blob is left: not in the store, not half-written in its scratch space. */
  private static void assertNothingKept(ImageStore store) throws Exception {
    assertThat(store.hasBlob(DIGEST)).isFalse();
    try (Stream<Path> tmp = Files.list(store.root().resolve(".tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void aBlobLongerThanItsDescriptorSaysStopsAtTheDeclaredSize() throws Exception {
    TestServer registry = server((req, body) -> Hostile.endless(req.response()));
    ImageStore store = store();
    assertThatThrownBy(() -> client(registry).pullBlob(DIGEST, 100, store))
        .isInstanceOfSatisfying(BodyLimitException.class, e -> assertThat(e.kind()).isEqualTo(BodyLimitException.Kind.TOO_LARGE))
        .hasMessage("Tried to pull blob " + DIGEST + " from " + registry.host() + "/a/b but failed because: "
            + registry.host() + " sent more than 100 bytes, the size its descriptor declares");
    assertNothingKept(store);
  }

  @Test
  void anEndlessRedirectTargetIsCappedTooAndNamed() throws Exception {
    TestServer storage = server((req, body) -> Hostile.endless(req.response()));
    TestServer registry = server((req, body) -> req.response().setStatusCode(307)
        .putHeader("Location", "http://" + storage.host() + "/signed").end());
    ImageStore store = store();
    assertThatThrownBy(() -> client(registry).pullBlob(DIGEST, 100, store))
        .hasMessage("Tried to pull blob " + DIGEST + " from " + registry.host() + "/a/b but failed because: "
            + storage.host() + " sent more than 100 bytes, the size its descriptor declares");
    assertNothingKept(store);
  }

  @Test
  void aDownloadStopsAtItsNextReadWhenItsThreadIsInterrupted() throws Exception {
    // a transfer reads its socket itself; the interrupt the first failed transfer sends the
    // others must end them while their bytes still come, not at the stall timeout
    TestServer registry = server((req, body) -> Hostile.trickle(req.response(), 20));
    ImageStore store = store();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    Thread transfer = Thread.ofPlatform().daemon().start(() -> {
      try {
        client(registry).pullBlob(DIGEST, 100, store);
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    Thread.sleep(300);
    transfer.interrupt();
    assertThat(transfer.join(Duration.ofSeconds(5))).as("ended after the interrupt").isTrue();
    assertThat(failure.get()).isInstanceOf(java.io.InterruptedIOException.class)
        .hasMessageContaining("interrupted while reading the response of " + registry.host());
    assertNothingKept(store);
  }

  @Test
  void aBodyEndingBeforeItsContentLengthIsABrokenConnectionNotAShortBlob() throws Exception {
    TestServer registry = server((req, body) -> {
      req.response().putHeader("Content-Length", "100").write(io.vertx.core.buffer.Buffer.buffer(new byte[40]));
      req.connection().close();
    });
    ImageStore store = store();
    assertThatThrownBy(() -> client(registry).pullBlob(DIGEST, 100, store))
        .isInstanceOf(dev.berth.client.http.BrokenConnectionException.class)
        .hasMessageStartingWith("Tried to pull blob " + DIGEST + " from " + registry.host() + "/a/b but failed because: "
            + "the connection to " + registry.host() + " broke while reading the response");
    assertNothingKept(store);
  }

  @Test
  void aCopySourceWhoseBodyEndsShortIsTheSourcesBrokenConnectionNotTheTargets() throws Exception {
    TestServer source = server((req, body) -> req.response().putHeader("Content-Length", "40")
        .end(io.vertx.core.buffer.Buffer.buffer(new byte[40])));
    TestServer target = server((req, body) -> req.response().setStatusCode(202)
        .putHeader("Location", "/v2/a/b/blobs/uploads/1").end());
    assertThatThrownBy(() -> client(target).copyBlob(client(source), DIGEST, 100, null, BlobProgress.NONE))
        .isInstanceOfSatisfying(CopyException.class, e -> {
          assertThat(e.side()).isEqualTo(CopyException.Side.SOURCE);
          assertThat(e.failure()).isInstanceOf(dev.berth.client.http.BrokenConnectionException.class);
        })
        .hasMessage("Tried to pull blob " + DIGEST + " from " + source.host() + "/a/b but failed because: "
            + "the response ended after 40 of 100 bytes");
  }

  @Test
  void aCopySourceSendingOtherBytesIsTheSourcesFailureWordedAsAPulls() throws Exception {
    byte[] other = new byte[100];
    java.util.Arrays.fill(other, (byte) 1);
    TestServer source = server((req, body) -> req.response().end(io.vertx.core.buffer.Buffer.buffer(other)));
    TestServer target = server((req, body) -> {
      if (req.method() == io.vertx.core.http.HttpMethod.HEAD) {
        req.response().setStatusCode(404).end(); // asked after the failure: the blob is not there
      } else {
        req.response().setStatusCode(202).putHeader("Location", "/v2/a/b/blobs/uploads/1").end();
      }
    });
    assertThatThrownBy(() -> client(target).copyBlob(client(source), DIGEST, 100, null, BlobProgress.NONE))
        .isInstanceOfSatisfying(CopyException.class, e -> {
          assertThat(e.side()).isEqualTo(CopyException.Side.SOURCE);
          assertThat(e.failure()).isInstanceOf(dev.berth.client.store.DigestMismatchException.class);
        })
        .hasMessageStartingWith("Tried to pull blob " + DIGEST + " from " + source.host() + "/a/b but failed because: "
            + "digest mismatch: the content hashes to sha256:");
  }

  @Test
  void anEndlessRedirectBodyIsNotReadToItsEnd() throws Exception {
    TestServer storage = server((req, body) -> req.response().end(io.vertx.core.buffer.Buffer.buffer(BLOB)));
    TestServer registry = server((req, body) -> {
      req.response().setStatusCode(307).putHeader("Location", "http://" + storage.host() + "/signed");
      Hostile.endless(req.response());
    });
    ImageStore store = store();
    assertThat(client(registry).pullBlob(DIGEST, 100, store).digest()).isEqualTo(DIGEST);
  }

  @Test
  void manifestsAreCappedAt4MiBOrAtTheSizeTheirIndexDeclares() throws Exception {
    TestServer registry = server((req, body) -> Hostile.endless(req.response()));
    assertThatThrownBy(() -> client(registry).getManifest("latest"))
        .hasMessage("Tried to pull manifest " + registry.host() + "/a/b:latest but failed because: "
            + registry.host() + " sent more than 4 MiB, the limit for a manifest");
    assertThatThrownBy(() -> client(registry).getManifest(DIGEST.toString(), 300))
        .hasMessage("Tried to pull manifest " + registry.host() + "/a/b@" + DIGEST + " but failed because: "
            + registry.host() + " sent more than 300 bytes, the size its index declares");
  }

  @Test
  void aTrickledBlobFailsAtTheStallTimeout() throws Exception {
    TestServer registry = server((req, body) -> Hostile.trickle(req.response(), 20));
    ImageStore store = store();
    long start = System.nanoTime();
    assertThatThrownBy(() -> client(registry, TransportOptions.defaults().withStallTimeout(Duration.ofMillis(400)))
        .pullBlob(DIGEST, 100, store))
        .isInstanceOfSatisfying(BodyLimitException.class, e -> assertThat(e.kind()).isEqualTo(BodyLimitException.Kind.STALLED))
        .hasMessageMatching("Tried to pull blob " + DIGEST + " from " + registry.host()
            + "/a/b but failed because: only \\d+ bytes from " + registry.host() + " in 400 ms \\(stall timeout\\)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertNothingKept(store);
  }

  @Test
  void aRegistryThatNeverAnswersTimesOutAndAnEndlessErrorIsCut() throws Exception {
    TestServer mute = server((req, body) -> { });
    TransportOptions impatient = TransportOptions.defaults().withResponseTimeout(Duration.ofMillis(300));
    assertThatThrownBy(() -> client(mute, impatient).getManifest("latest"))
        .isInstanceOf(RegistryUnreachableException.class)
        .hasMessage("Tried to pull manifest " + mute.host() + "/a/b:latest but failed because: registry "
            + mute.host() + " did not answer in time");

    TestServer failing = server((req, body) -> {
      req.response().setStatusCode(500);
      Hostile.endless(req.response());
    });
    assertThatThrownBy(() -> client(failing).getManifest("latest"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(500))
        .hasMessage("Tried to pull manifest " + failing.host() + "/a/b:latest but failed because: unknown: HTTP status 500");
  }

  /** 401 without credentials; with them, a 202 whose Location is on {@code elsewhere}. */
  private TestServer registrySendingUploadsTo(TestServer elsewhere) throws Exception {
    return server((req, body) -> {
      if (req.getHeader("Authorization") == null) {
        req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"r\"").end();
      } else {
        req.response().setStatusCode(202).putHeader("Location", "http://" + elsewhere.host() + "/upload/1").end();
      }
    });
  }

  @Test
  void anUploadLocationOnAnotherHostOverPlainHttpGetsNothingWithoutInsecure() throws Exception {
    TestServer elsewhere = server("127.0.0.2", (req, body) -> req.response()
        .setStatusCode(req.method().name().equals("PUT") ? 201 : 202)
        .putHeader("Location", "http://" + req.authority() + "/upload/2").end());
    TestServer registry = registrySendingUploadsTo(elsewhere);
    // 127.0.0.2 stands for a machine across the network: only the registry's address is loopback
    TransportOptions options = TransportOptions.defaults().withLoopback(a -> a.equals(registry.host()));
    Path file = Files.write(dir.resolve("blob"), BLOB);

    assertThatThrownBy(() -> client(registry, options).pushBlob(DIGEST, file, BLOB.length))
        .hasMessage("Tried to push blob " + DIGEST + " to " + registry.host() + "/a/b but failed because: the registry sent us to http://"
            + elsewhere.host() + ", another server over plain HTTP (allowed only with --insecure)");
    assertThat(elsewhere.seen).isEmpty();

    client(registry, options.withInsecure(true)).pushBlob(DIGEST, file, BLOB.length);
    assertThat(elsewhere.seen).extracting(TestServer.Seen::method).containsExactly("PATCH", "PUT");
    String secret = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(elsewhere.seen).allSatisfy(seen -> {
      assertThat(seen.headers()).doesNotContainKey("authorization");
      assertThat(seen.headers().values()).noneMatch(v -> v.contains(secret) || v.contains("s3cret"));
    });
  }

  @Test
  void aRedirectToAnotherHostOverPlainHttpIsRefusedWithoutInsecure() throws Exception {
    TestServer storage = server("127.0.0.2", (req, body) -> req.response().end(io.vertx.core.buffer.Buffer.buffer(BLOB)));
    TestServer registry = server((req, body) -> req.response().setStatusCode(307)
        .putHeader("Location", "http://" + storage.host() + "/signed").end());
    TransportOptions options = TransportOptions.defaults().withLoopback(a -> a.equals(registry.host()));
    ImageStore store = store();

    assertThatThrownBy(() -> client(registry, options).pullBlob(DIGEST, 100, store))
        .hasMessageEndingWith("the registry sent us to http://" + storage.host()
            + ", another server over plain HTTP (allowed only with --insecure)");
    assertThat(storage.seen).isEmpty();

    assertThat(client(registry, options.withInsecure(true)).pullBlob(DIGEST, 100, store).digest()).isEqualTo(DIGEST);
    assertThat(storage.seen).extracting(TestServer.Seen::authorization).containsExactly((String) null);
  }
}
