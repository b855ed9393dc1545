package dev.berth.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.archive.ArchiveLoader;
import dev.berth.client.registry.BasicOnlyAuthenticator;
import dev.berth.client.registry.CopyException;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.registry.RetryPolicy;
import dev.berth.client.registry.TransportOptions;
import dev.berth.client.store.ImageStore;
import dev.berth.credentials.Credentials;
import dev.berth.model.Reference;
import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.FaultyProxy;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.SyntheticImage;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which side of a copy failed, as the {@link Copier} says it ({@link CopyException#side()}),
 * against Debian's distribution: also when both sides are the same repository, and when the
 * source's GET and the target's PATCH fail as one streamed exchange.
 */
@Timeout(60)
class CopierSidesTest {
  private static final int LAYER = 1024 * 1024;

  @TempDir static Path registryDir;
  @TempDir static Path storeDir;
  static DistributionRegistry registry;
  static SyntheticImage image;

  @BeforeAll
  static void start() throws Exception {
    Path users = Htpasswd.create(registryDir.resolve("htpasswd"), "alice", "s3cret-pw");
    registry = DistributionRegistry.builder().workDir(registryDir).htpasswd(users).start();
    Reference ref = ref(registry.host(), "sides/app:1");
    image = SyntheticImage.builder().seed(951).layerSizes(LAYER).gzipLayers(false).repoTag(ref.familiar()).build();
    ImageStore store = ImageStore.open(storeDir);
    new ArchiveLoader(store).load(image.writeDockerArchive(storeDir.resolve("in.tar")));
    new Pusher(store, client(ref, Optional.of(new Credentials("alice", "s3cret-pw")), true), l -> { })
        .push(store.resolve(ref.familiar()), ref);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private static Reference ref(String host, String name) {
    return Reference.parse(host + "/" + name);
  }

  /** No retries: the first failure is the copy's, and whose it is shows. */
  private static RegistryClient client(Reference ref, Optional<Credentials> credentials, boolean push) {
    TransportOptions once = TransportOptions.defaults().withRetry(RetryPolicy.none());
    return new RegistryClient(once.newHttpClient(), RegistryEndpoint.forHost(ref.domain()), ref.path(),
        new BasicOnlyAuthenticator(credentials), push, once);
  }

  private static RegistryClient alice(Reference ref, boolean push) {
    return client(ref, Optional.of(new Credentials("alice", "s3cret-pw")), push);
  }

  private static CopyException copy(RegistryClient source, RegistryClient target, Reference from, Reference to) {
    Copier copier = new Copier(source, target, TransferListener.plain(l -> { }), TransferOptions.defaults());
    Throwable thrown = catchThrowable(() -> copier.copy(from, to));
    assertThat(thrown).isInstanceOf(CopyException.class);
    return (CopyException) thrown;
  }

  @Test
  void inTheSameRepositoryAMissingTagIsTheSourcesAndARefusedWriteTheTargets() {
    Reference missing = ref(registry.host(), "sides/app:missing");
    Reference to = ref(registry.host(), "sides/app:2");
    CopyException notFound = copy(alice(missing, false), alice(to, true), missing, to);
    assertThat(notFound.side()).isEqualTo(CopyException.Side.SOURCE);
    assertThat(notFound.failure()).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(notFound).hasMessage(notFound.failure().getMessage());

    Reference from = ref(registry.host(), "sides/app:1");
    CopyException refused = copy(alice(from, false), client(to, Optional.empty(), true), from, to);
    assertThat(refused.side()).isEqualTo(CopyException.Side.TARGET);
    assertThat(refused.failure()).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isAuthFailure()).isTrue());
  }

  @Test
  void aSourceCutWhileItsBlobStreamsIntoTheTargetIsTheSources() {
    String layer = image.layers().getFirst().digest();
    try (FaultyProxy proxy = FaultyProxy.start("127.0.0.1", registry.port())) {
      Reference from = ref(proxy.host(), "sides/app:1");
      Reference to = ref(registry.host(), "sides/streamed:1");
      proxy.cutDownloadAfter(LAYER / 2);
      CopyException cut = copy(alice(from, false), alice(to, true), from, to);
      assertThat(proxy.cuts()).isEqualTo(1);
      assertThat(cut.side()).isEqualTo(CopyException.Side.SOURCE);
      assertThat(cut.failure()).hasMessageStartingWith("Tried to pull blob " + layer + " from " + proxy.host() + "/sides/app ");
    }
  }

  @Test
  void aTargetCutWhileTheSourceStreamsIntoItIsTheTargets() {
    String layer = image.layers().getFirst().digest();
    try (FaultyProxy proxy = FaultyProxy.start("127.0.0.1", registry.port())) {
      Reference from = ref(registry.host(), "sides/app:1");
      Reference to = ref(proxy.host(), "sides/cut:1");
      proxy.cutUploadAfter(LAYER / 2);
      CopyException cut = copy(alice(from, false), alice(to, true), from, to);
      assertThat(proxy.cuts()).isEqualTo(1);
      assertThat(cut.side()).isEqualTo(CopyException.Side.TARGET);
      assertThat(cut.failure()).hasMessageStartingWith("Tried to push blob " + layer + " to " + proxy.host() + "/sides/cut ");
    }
  }
}
