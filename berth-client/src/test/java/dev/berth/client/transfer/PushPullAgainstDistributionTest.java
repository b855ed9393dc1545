package dev.berth.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.archive.ArchiveLoader;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.registry.BasicOnlyAuthenticator;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.registry.RegistryTransport;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.credentials.Credentials;
import dev.berth.model.ErrorCode;
import dev.berth.model.Digest;
import dev.berth.model.Reference;
import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.Peers;
import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticIndex;
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
  static DistributionRegistry registry;
  static final HttpClient HTTP = RegistryTransport.newHttpClient();

  @BeforeAll
  static void start() {
    Path users = Htpasswd.create(registryDir.resolve("htpasswd"), "alice", "s3cret-pw");
    registry = DistributionRegistry.builder().workDir(registryDir).htpasswd(users).start();
  }

  /** A small image of {@code layers} layers (gzip in OCI layouts) whose docker save tar names it {@code repoTags}. */
  private static SyntheticImage image(long seed, int layers, String... repoTags) {
    return builder(seed, layers).repoTags(repoTags).build();
  }

  private static SyntheticImage.Builder builder(long seed, int layers) {
    int[] sizes = new int[layers];
    java.util.Arrays.setAll(sizes, i -> 1024 + 977 * (i + 1));
    return SyntheticImage.builder().seed(seed).layerSizes(sizes).gzipLayers(true);
  }

  private static Digest configDigest(SyntheticImage image) {
    return Digest.parse(image.config().digest());
  }

  private static List<Digest> layerDigests(SyntheticImage image) {
    return image.diffIds().stream().map(Digest::parse).toList();
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
    Reference ref = Reference.parse(registry.host() + "/spring-vue-starter-repo/spring-vue-image:131");
    var image = image(21, 3, ref.familiar());
    new ArchiveLoader(local).load(image.writeDockerArchive(dir.resolve("in.tar")));
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
    assertThat(pulled.id()).isEqualTo(configDigest(image));
    assertThat(pulled.manifest().layers()).extracting(l -> l.digest()).containsExactlyElementsOf(layerDigests(image));
    // layers come down concurrently: their lines in any order, between the header and the summary
    assertThat(pullLines).hasSize(7);
    assertThat(pullLines.get(0)).isEqualTo("131: Pulling from spring-vue-starter-repo/spring-vue-image");
    assertThat(pullLines.subList(1, 4)).containsExactlyInAnyOrder(
        layerDigests(image).get(0).shortId() + ": Pull complete",
        layerDigests(image).get(1).shortId() + ": Pull complete",
        layerDigests(image).get(2).shortId() + ": Pull complete");
    assertThat(pullLines.subList(4, 7)).containsExactly(
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
    new ArchiveLoader(local).load(image(22, 1, ref.familiar()).writeDockerArchive(dir.resolve("in.tar")));
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
    var amd64 = builder(23, 2).platform("linux", "amd64").build();
    var arm64 = builder(24, 1).platform("linux", "arm64", "v8").build();
    Reference ref = Reference.parse(registry.host() + "/multi/arch:1");
    Path layout = dir.resolve("layout");
    // arm64 first, so choosing linux/amd64 is a real choice and not "the first"
    SyntheticIndex index = SyntheticIndex.of(arm64, amd64);
    index.writeOciLayout(layout, java.util.Map.of("io.containerd.image.name", ref.canonical()));
    var indexDigest = Digest.parse(index.index().digest());
    ImageStore local = ImageStore.open(dir.resolve("local"));
    new ArchiveLoader(local).load(layout);
    StoredImage stored = local.resolve(ref.familiar());
    assertThat(stored.isIndex()).isTrue();
    assertThat(stored.id()).isEqualTo(configDigest(amd64));

    Pusher.Result pushed = new Pusher(local, client(ref, alice(), true), l -> { }).push(stored, ref);
    assertThat(pushed.digest()).isEqualTo(indexDigest);

    ImageStore empty = ImageStore.open(dir.resolve("empty"));
    StoredImage pulled = new Puller(empty, client(ref, alice(), false), l -> { }).pull(ref);
    assertThat(pulled.target().digest()).isEqualTo(indexDigest);
    assertThat(pulled.id()).isEqualTo(configDigest(amd64));
    assertThat(empty.hasBlob(configDigest(arm64))).isFalse();
    layerDigests(arm64).forEach(d -> assertThat(empty.hasBlob(d)).isFalse());
    arm64.layers().forEach(l -> assertThat(empty.hasBlob(Digest.parse(l.digest()))).isFalse());
  }

  @Test
  void aBlobTamperedWithInTheRegistryIsRejectedAndNotStored() throws Exception {
    ImageStore local = ImageStore.open(dir.resolve("local"));
    Reference ref = Reference.parse(registry.host() + "/tampered/image:1");
    var image = image(25, 1, ref.familiar());
    new ArchiveLoader(local).load(image.writeDockerArchive(dir.resolve("in.tar")));
    new Pusher(local, client(ref, alice(), true), l -> { }).push(local.resolve(ref.familiar()), ref);
    var layer = layerDigests(image).get(0);
    Path data = registry.storage().resolve("docker/registry/v2/blobs/sha256")
        .resolve(layer.encoded().substring(0, 2)).resolve(layer.encoded()).resolve("data");
    byte[] bytes = java.nio.file.Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 1;
    java.nio.file.Files.write(data, bytes);

    ImageStore empty = ImageStore.open(dir.resolve("empty"));
    assertThatThrownBy(() -> new Puller(empty, client(ref, alice(), false), l -> { }).pull(ref))
        .hasMessageContaining("Tried to pull blob " + layer).hasMessageContaining("digest mismatch");
    assertThat(empty.hasBlob(layer)).isFalse();
    assertThat(empty.list()).isEmpty();
  }

  @Test
  void pullsADockerSchema2ImageSkopeoPushedAndPushesItBackByteExact() throws Exception {
    Peers.require("skopeo", "skopeo");
    var image = image(26, 2);
    Path layout = dir.resolve("layout");
    image.writeOciLayout(layout, java.util.Map.of("org.opencontainers.image.ref.name", "v1"));
    Path authFile = dir.resolve("auth.json");
    java.nio.file.Files.writeString(authFile, "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\""
        + java.util.Base64.getEncoder().encodeToString("alice:s3cret-pw".getBytes()) + "\"}}}");
    Reference ref = Reference.parse(registry.host() + "/skopeo/pushed:1");
    // skopeo alone on its PATH, its credentials from the test's auth file only
    dev.berth.testkit.Exec.Result copied = dev.berth.testkit.Exec.command("skopeo", "--insecure-policy", "copy", "-q",
            "--format", "v2s2", "--dest-tls-verify=false", "--dest-authfile", authFile.toString(), "oci:" + layout + ":v1",
            "docker://" + ref.canonical())
        .env("PATH", dev.berth.testkit.ToolPath.create(dir.resolve("skopeo-bin"), java.util.Map.of("skopeo", "skopeo")).path())
        .env("HOME", dir.toString()).env("DOCKER_CONFIG", null).env("REGISTRY_AUTH_FILE", null).env("XDG_RUNTIME_DIR", null)
        .run();
    assertThat(copied.exitCode()).as(copied.stdout() + copied.stderr()).isZero();

    ImageStore local = ImageStore.open(dir.resolve("local"));
    StoredImage pulled = new Puller(local, client(ref, alice(), false), l -> { }).pull(ref);
    assertThat(pulled.target().mediaType()).isEqualTo(dev.berth.model.MediaTypes.DOCKER_MANIFEST);
    assertThat(pulled.id()).isEqualTo(configDigest(image));

    Reference back = ref.withTag("2");
    Pusher.Result pushed = new Pusher(local, client(back, alice(), true), l -> { }).push(pulled, back);
    assertThat(pushed.digest()).isEqualTo(pulled.target().digest());
  }
}
