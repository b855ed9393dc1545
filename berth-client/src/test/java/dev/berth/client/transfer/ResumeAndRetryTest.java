package dev.berth.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.archive.ArchiveLoader;
import dev.berth.client.registry.BasicOnlyAuthenticator;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.registry.RetryPolicy;
import dev.berth.client.registry.TransportOptions;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.credentials.Credentials;
import dev.berth.model.Digest;
import dev.berth.model.Reference;
import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.FaultyProxy;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.SyntheticImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken connections and unavailable registries, for real: Debian's distribution behind a proxy
 * that cuts a connection mid-blob or answers 503. Uploads resume where the registry says it
 * stands, downloads with Range, and every digest comes out right.
 */
@Timeout(60)
class ResumeAndRetryTest {
  private static final int LAYER = 3 * 1024 * 1024;

  @TempDir static Path registryDir;
  @TempDir Path dir;
  static DistributionRegistry registry;
  FaultyProxy proxy;
  final List<String> lines = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    Path users = Htpasswd.create(registryDir.resolve("htpasswd"), "alice", "s3cret-pw");
    registry = DistributionRegistry.builder().workDir(registryDir).htpasswd(users).start();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void proxy() {
    proxy = FaultyProxy.start("127.0.0.1", registry.port());
  }

  @AfterEach
  void closeProxy() {
    proxy.close();
  }

  /** Quick retries: the waits are the policy's business, the tests are about what happens after. */
  private static final TransportOptions QUICK = TransportOptions.defaults()
      .withRetry(new RetryPolicy(5, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(10)));

  private RegistryClient client(Reference ref, boolean push) {
    return new RegistryClient(QUICK.newHttpClient(), RegistryEndpoint.forHost(ref.domain()), ref.path(),
        new BasicOnlyAuthenticator(Optional.of(new Credentials("alice", "s3cret-pw"))), push, QUICK);
  }

  private StoredImage load(ImageStore store, Reference ref, long seed) throws Exception {
    SyntheticImage image = SyntheticImage.builder().seed(seed).layerSizes(LAYER, 5000).gzipLayers(false)
        .repoTag(ref.familiar()).build();
    new ArchiveLoader(store).load(image.writeDockerArchive(dir.resolve("in-" + seed + ".tar")));
    return store.resolve(ref.familiar());
  }

  @Test
  void anUploadCutMidBlobResumesFromWhereTheRegistryStands() throws Exception {
    Reference ref = Reference.parse(proxy.host() + "/resume/upload:1");
    ImageStore store = ImageStore.open(dir.resolve("store"));
    StoredImage image = load(store, ref, 901);
    proxy.cutUploadAfter(LAYER / 2);

    Pusher.Result pushed = new Pusher(store, client(ref, true), TransferListener.plain(lines::add),
        TransferOptions.defaults()).push(image, ref);

    assertThat(pushed.digest()).isEqualTo(image.target().digest());
    assertThat(proxy.cuts()).isEqualTo(1);
    Digest big = image.manifest().layers().getFirst().digest();
    assertThat(lines).contains(big.shortId() + ": Retrying in 1 second");
    // what distribution holds is exactly the blob (its digest check on PUT passed), and a pull agrees
    ImageStore other = ImageStore.open(dir.resolve("other"));
    StoredImage pulled = new Puller(other, client(ref, false), l -> { }).pull(ref);
    assertThat(pulled.target().digest()).isEqualTo(image.target().digest());
    assertThat(Files.size(other.blobPath(big))).isEqualTo(store.blobSize(big));
  }

  @Test
  void aDownloadCutMidBlobResumesWithRangeAndIsVerifiedWhole() throws Exception {
    Reference ref = Reference.parse(proxy.host() + "/resume/download:1");
    ImageStore store = ImageStore.open(dir.resolve("store"));
    StoredImage image = load(store, ref, 902);
    new Pusher(store, client(ref, true), l -> { }).push(image, ref);
    long before = proxy.bytesDown();
    proxy.cutDownloadAfter(LAYER / 2);

    ImageStore other = ImageStore.open(dir.resolve("other"));
    StoredImage pulled = new Puller(other, client(ref, false), TransferListener.plain(lines::add), TransferOptions.defaults())
        .pull(ref);

    assertThat(pulled.target().digest()).isEqualTo(image.target().digest());
    assertThat(proxy.cuts()).isEqualTo(1);
    Digest big = image.manifest().layers().getFirst().digest();
    assertThat(lines).contains(big.shortId() + ": Retrying in 1 second", big.shortId() + ": Pull complete");
    // the rest came with Range: far less than the blob twice
    assertThat(proxy.bytesDown() - before).isLessThan(LAYER + LAYER / 4);
    assertThat(Files.readAllBytes(other.blobPath(big))).isEqualTo(Files.readAllBytes(store.blobPath(big)));
  }

  @Test
  void aRegistryAnswering503TwiceThenServingSucceedsAndSaysItRetried() throws Exception {
    Reference ref = Reference.parse(proxy.host() + "/retry/unavailable:1");
    ImageStore store = ImageStore.open(dir.resolve("store"));
    StoredImage image = load(store, ref, 903);
    new Pusher(store, client(ref, true), l -> { }).push(image, ref);

    proxy.failNextConnections(2, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    ImageStore other = ImageStore.open(dir.resolve("other"));
    StoredImage pulled = new Puller(other, client(ref, false), TransferListener.plain(lines::add), TransferOptions.defaults())
        .pull(ref);
    assertThat(pulled.target().digest()).isEqualTo(image.target().digest());
    assertThat(proxy.cannedAnswers()).isEqualTo(2);
    assertThat(lines).filteredOn(l -> l.startsWith("Retrying in 1 second (Tried to pull manifest")).hasSize(2);

    // Retry-After is honoured, and 404 is never retried
    proxy.failNextConnections(1);
    long start = System.nanoTime();
    assertThat(client(ref, false).getManifest("1").digest()).isEqualTo(image.target().digest());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    int seen = proxy.connections();
    assertThatThrownBy(() -> client(ref, false).getManifest("no-such-tag"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(proxy.connections() - seen).isEqualTo(1);
  }

  @Test
  void aRegistryThatStaysUnavailableIsGivenUpOnAfterTheAttemptsItIsAllowed() throws Exception {
    Reference ref = Reference.parse(proxy.host() + "/retry/down:1");
    proxy.failNextConnections(100, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    List<Duration> waits = new CopyOnWriteArrayList<>();
    RegistryClient client = client(ref, false);
    client.onRetry((wait, cause) -> waits.add(wait));
    assertThatThrownBy(() -> client.getManifest("1"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(502));
    assertThat(proxy.cannedAnswers()).isEqualTo(5);
    assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(200));
  }
}
