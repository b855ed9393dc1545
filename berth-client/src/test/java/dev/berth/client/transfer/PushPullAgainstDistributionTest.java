package dev.berth.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.archive.ArchiveLoader;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.registry.BasicOnlyAuthenticator;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.registry.RegistryTransport;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.client.testing.DockerRegistry;
import dev.berth.client.testing.TestImages;
import dev.berth.credentials.Credentials;
import dev.berth.model.ErrorCode;
import dev.berth.model.Reference;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push and pull against the real CNCF distribution registry with htpasswd auth. */
class PushPullAgainstDistributionTest {
  @TempDir static Path registryDir;
  @TempDir Path dir;
  static DockerRegistry registry;
  static final HttpClient HTTP = RegistryTransport.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry and htpasswd are not installed");
    registry = DockerRegistry.start(registryDir, "alice", "s3cret-pw");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private RegistryClient client(Reference ref, Authenticator auth, boolean push) {
    return new RegistryClient(HTTP, RegistryEndpoint.forHost(ref.domain()), ref.path(), auth, push);
  }

  private static Authenticator alice() {
    return new BasicOnlyAuthenticator(Optional.of(new Credentials("alice", "s3cret-pw")));
  }

  @Test
  void pushThenPullIntoAnEmptyStoreGivesTheSameDigests() throws Exception {
    ImageStore local = ImageStore.open(dir.resolve("local"));
    var image = TestImages.image("push-pull", 3);
    Reference ref = Reference.parse(registry.host() + "/spring-vue-starter-repo/spring-vue-image:131");
    new ArchiveLoader(local).load(image.writeDockerSave(dir.resolve("in.tar"), ref.familiar()));
    StoredImage stored = local.resolve(ref.familiar());

    List<String> pushLines = new ArrayList<>();
    Pusher.Result pushed = new Pusher(local, client(ref, alice(), true), pushLines::add).push(stored, ref);
    assertThat(pushed.digest()).isEqualTo(stored.target().digest());
    assertThat(pushLines.get(0)).isEqualTo("The push refers to repository [" + ref.repository() + "]");
    assertThat(pushLines.subList(1, 4)).allMatch(l -> l.matches("[0-9a-f]{12}: Pushed"));
    assertThat(pushLines.get(4)).isEqualTo("131: digest: " + pushed.digest() + " size: " + stored.target().size());

    // a second push finds every layer there already
    List<String> again = new ArrayList<>();
    new Pusher(local, client(ref, alice(), true), again::add).push(stored, ref.withTag("132"));
    assertThat(again.subList(1, 4)).allMatch(l -> l.endsWith(": Layer already exists"));

    ImageStore empty = ImageStore.open(dir.resolve("empty"));
    List<String> pullLines = new ArrayList<>();
    StoredImage pulled = new Puller(empty, client(ref, alice(), false), pullLines::add).pull(ref);
    assertThat(pulled.target().digest()).isEqualTo(stored.target().digest());
    assertThat(pulled.id()).isEqualTo(image.configDigest());
    assertThat(pulled.manifest().layers()).extracting(l -> l.digest()).containsExactlyElementsOf(image.layerDigests());
    assertThat(pullLines).containsExactly(
        "131: Pulling from spring-vue-starter-repo/spring-vue-image",
        image.layerDigests().get(0).shortId() + ": Pull complete",
        image.layerDigests().get(1).shortId() + ": Pull complete",
        image.layerDigests().get(2).shortId() + ": Pull complete",
        "Digest: " + stored.target().digest(),
        "Status: Downloaded newer image for " + ref.familiar(),
        ref.canonical());

    List<String> second = new ArrayList<>();
    new Puller(empty, client(ref, alice(), false), second::add).pull(ref);
    assertThat(second).contains("Status: Image is up to date for " + ref.familiar())
        .filteredOn(l -> l.contains(": Already exists")).hasSize(3);
  }

  @Test
  void wrongOrMissingCredentialsFailWithTheRegistryMessageAfterOneTry() throws Exception {
    ImageStore local = ImageStore.open(dir.resolve("local"));
    Reference ref = Reference.parse(registry.host() + "/denied/image:1");
    new ArchiveLoader(local).load(TestImages.image("denied", 1).writeDockerSave(dir.resolve("in.tar"), ref.familiar()));
    StoredImage stored = local.resolve(ref.familiar());

    AtomicInteger asked = new AtomicInteger();
    Authenticator wrong = (challenges, scope) -> {
      asked.incrementAndGet();
      return new BasicOnlyAuthenticator(Optional.of(new Credentials("alice", "wrong"))).authorize(challenges, scope);
    };
    assertThatThrownBy(() -> new Pusher(local, client(ref, wrong, true), l -> { }).push(stored, ref))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
          assertThat(e.reason()).isEqualTo("unauthorized: authentication required");
        });
    assertThat(asked).hasValue(1);

    assertThatThrownBy(() -> new Pusher(local, client(ref, new BasicOnlyAuthenticator(Optional.empty()), true), l -> { })
        .push(stored, ref)).isInstanceOfSatisfying(RegistryException.class,
            e -> assertThat(e.reason()).isEqualTo("unauthorized: authentication required"));
  }

  @Test
  void aMultiArchIndexIsPushedWholeAndPulledAsIndexPlusLinuxAmd64() throws Exception {
    var amd64 = TestImages.image("multi-amd64", 2);
    var arm64 = TestImages.image("multi-arm64", 1);
    Reference ref = Reference.parse(registry.host() + "/multi/arch:1");
    Path layout = dir.resolve("layout");
    var indexDigest = TestImages.writeMultiArchLayout(layout,
        java.util.Map.of("io.containerd.image.name", ref.canonical()), amd64, arm64);
    ImageStore local = ImageStore.open(dir.resolve("local"));
    new ArchiveLoader(local).load(layout);
    StoredImage stored = local.resolve(ref.familiar());
    assertThat(stored.isIndex()).isTrue();
    assertThat(stored.id()).isEqualTo(amd64.configDigest());

    Pusher.Result pushed = new Pusher(local, client(ref, alice(), true), l -> { }).push(stored, ref);
    assertThat(pushed.digest()).isEqualTo(indexDigest);

    ImageStore empty = ImageStore.open(dir.resolve("empty"));
    StoredImage pulled = new Puller(empty, client(ref, alice(), false), l -> { }).pull(ref);
    assertThat(pulled.target().digest()).isEqualTo(indexDigest);
    assertThat(pulled.id()).isEqualTo(amd64.configDigest());
    assertThat(empty.hasBlob(arm64.configDigest())).isFalse();
    arm64.layerDigests().forEach(d -> assertThat(empty.hasBlob(d)).isFalse());
  }
}
