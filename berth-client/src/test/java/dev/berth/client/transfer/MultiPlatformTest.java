package dev.berth.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.client.RegistryEndpoint;
import dev.berth.client.archive.ArchiveLoader;
import dev.berth.client.archive.ArchiveSaver;
import dev.berth.client.image.Platform;
import dev.berth.client.registry.BasicOnlyAuthenticator;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.TransportOptions;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.credentials.Credentials;
import dev.berth.model.Digest;
import dev.berth.model.Reference;
import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.Exec;
import dev.berth.testkit.FaultyProxy;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.Peers;
import dev.berth.testkit.SyntheticImage;
import dev.berth.testkit.SyntheticIndex;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-platform images against the real distribution: choosing a platform, taking all of them,
 * pushing and saving exactly what is here (and saying so when that is one platform of an index),
 * cross-repository mounts, and registry-to-registry copies.
 */
@Timeout(90)
class MultiPlatformTest {
  @TempDir static Path registryDir;
  @TempDir static Path shared;
  @TempDir Path dir;
  static DistributionRegistry registry;
  static SyntheticImage arm64;
  static SyntheticImage amd64;
  static SyntheticIndex index;
  static Digest indexDigest;
  final List<String> lines = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Path users = Htpasswd.create(registryDir.resolve("htpasswd"), "alice", "s3cret-pw");
    registry = DistributionRegistry.builder().workDir(registryDir).htpasswd(users).start();
    // arm64 first, so that taking linux/amd64 is a choice and not "the first"
    arm64 = SyntheticImage.builder().seed(801).layerSizes(3000, 1200).gzipLayers(true).platform("linux", "arm64", "v8").build();
    amd64 = SyntheticImage.builder().seed(802).layerSizes(4000, 900).gzipLayers(true).platform("linux", "amd64").build();
    index = SyntheticIndex.of(arm64, amd64);
    indexDigest = Digest.parse(index.index().digest());
    // the index, whole, in the registry under multi/arch:1
    ImageStore store = ImageStore.open(shared.resolve("seed"));
    Reference ref = ref("multi/arch:1");
    new ArchiveLoader(store).load(index.writeOciLayout(shared.resolve("layout"), Map.of("io.containerd.image.name", ref.canonical())));
    new Pusher(store, client(ref, true), l -> { }).push(store.resolve(ref.familiar()), ref);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  static Reference ref(String path) {
    return Reference.parse(registry.host() + "/" + path);
  }

  static RegistryClient client(Reference ref, boolean push) {
    TransportOptions options = TransportOptions.defaults();
    return new RegistryClient(options.newHttpClient(), RegistryEndpoint.forHost(ref.domain()), ref.path(),
        new BasicOnlyAuthenticator(Optional.of(new Credentials("alice", "s3cret-pw"))), push, options);
  }

  private StoredImage pull(ImageStore store, Reference ref, TransferOptions options) throws Exception {
    return new Puller(store, client(ref, false), TransferListener.plain(lines::add), options).pull(ref);
  }

  private Pusher.Result push(ImageStore store, StoredImage image, Reference to) throws Exception {
    return new Pusher(store, client(to, true), TransferListener.plain(lines::add), TransferOptions.defaults()).push(image, to);
  }

  @Test
  void pullTakesThePlatformAskedForOrSaysWhichThereAre() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("store"));
    StoredImage pulled = pull(store, ref("multi/arch:1"), TransferOptions.defaults().withPlatform(Platform.parse("linux/arm64")));
    assertThat(pulled.target().digest()).isEqualTo(indexDigest); // the name keeps the registry's digest
    assertThat(pulled.id().toString()).isEqualTo(arm64.config().digest());
    amd64.layers().forEach(l -> assertThat(store.hasBlob(Digest.parse(l.digest()))).isFalse());

    assertThatThrownBy(() -> pull(ImageStore.open(dir.resolve("none")), ref("multi/arch:1"),
        TransferOptions.defaults().withPlatform(Platform.parse("linux/s390x"))))
        .hasMessage("no matching manifest for linux/s390x in the manifest list entries of " + ref("multi/arch:1").familiar()
            + " (it has: linux/arm64/v8, linux/amd64; choose one with --platform)");
  }

  @Test
  void aDockerManifestListIsPulledForThePlatformAskedFor() throws Exception {
    // the same images as docker lists them: Docker v2 manifests (same blobs) under a manifest list
    RegistryClient writer = client(ref("multi/arch:docker"), true);
    for (SyntheticImage image : List.of(arm64, amd64)) {
      writer.putManifest(image.dockerManifest().digest(), SyntheticImage.DOCKER_MANIFEST, image.dockerManifest().content());
    }
    Digest listDigest = writer.putManifest("docker", SyntheticIndex.DOCKER_MANIFEST_LIST, index.dockerManifestList().content());
    assertThat(listDigest.toString()).isEqualTo(index.dockerManifestList().digest());

    ImageStore store = ImageStore.open(dir.resolve("store"));
    StoredImage pulled = pull(store, ref("multi/arch:docker"), TransferOptions.defaults().withPlatform(Platform.parse("linux/amd64")));
    assertThat(pulled.target().digest()).isEqualTo(listDigest);
    assertThat(pulled.id().toString()).isEqualTo(amd64.config().digest());
    amd64.layers().forEach(l -> assertThat(store.hasBlob(Digest.parse(l.digest()))).isTrue());
    arm64.layers().forEach(l -> assertThat(store.hasBlob(Digest.parse(l.digest()))).isFalse());
  }

  @Test
  void anIndexPulledForOnePlatformIsPushedAsThatPlatformAndThePushSaysSo() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("store"));
    StoredImage pulled = pull(store, ref("multi/arch:1"), TransferOptions.defaults().withPlatform(Platform.parse("linux/amd64")));
    Reference to = ref("multi/one:1");
    Pusher.Result pushed = push(store, pulled, to);
    assertThat(pushed.digest().toString()).isEqualTo(amd64.manifest().digest()).isNotEqualTo(indexDigest.toString());
    assertThat(lines).contains("Pushing linux/amd64 only: the other platforms of the multi-platform image " + indexDigest
        + " are not in the local store (pull it with --all-platforms to push them all)");
    assertThat(lines).last().isEqualTo("1: digest: " + amd64.manifest().digest() + " size: " + amd64.manifest().size());
  }

  @Test
  void anIndexPulledWithAllPlatformsIsPushedWholeWithItsDigest() throws Exception {
    ImageStore store = ImageStore.open(dir.resolve("store"));
    StoredImage pulled = pull(store, ref("multi/arch:1"), TransferOptions.defaults().withAllPlatforms(true));
    assertThat(store.isComplete(pulled.target())).isTrue();
    Reference to = ref("multi/whole:1");
    assertThat(push(store, pulled, to).digest()).isEqualTo(indexDigest);
    for (SyntheticImage child : index.images()) {
      assertThat(client(to, false).getManifest(child.manifest().digest()).content()).isEqualTo(child.manifest().content());
    }
    // the layers came from multi/arch, in the same registry: mounted, not uploaded again
    assertThat(lines).filteredOn(l -> l.endsWith(": Mounted from multi/arch")).hasSize(4);
  }

  @Test
  void anArchiveIsCompleteForWhatItNamesAndSkopeoCopiesItWhole() throws Exception {
    Peers.require("skopeo", "skopeo");
    ImageStore store = ImageStore.open(dir.resolve("store"));
    StoredImage one = pull(store, ref("multi/arch:1"), TransferOptions.defaults().withPlatform(Platform.parse("linux/amd64")));
    List<String> warnings = new ArrayList<>();
    Path single = dir.resolve("single.tar");
    try (OutputStream out = Files.newOutputStream(single)) {
      new ArchiveSaver(store, warnings::add).save(List.of(new ArchiveSaver.Item(one, one.name())), out);
    }
    assertThat(warnings).containsExactly("saving linux/amd64 of " + one.name().familiar() + " only: the other platforms of its index "
        + indexDigest + " are not in the local store (pull it with --all-platforms to save them all)");
    assertThat(indexEntries(single)).containsExactly(amd64.manifest().digest());
    assertThat(skopeoCopyAll(single)).isEqualTo(amd64.manifest().digest());

    ImageStore all = ImageStore.open(dir.resolve("all"));
    StoredImage whole = pull(all, ref("multi/arch:1"), TransferOptions.defaults().withAllPlatforms(true));
    Path complete = dir.resolve("whole.tar");
    try (OutputStream out = Files.newOutputStream(complete)) {
      new ArchiveSaver(all, warnings::add).save(List.of(new ArchiveSaver.Item(whole, whole.name())), out);
    }
    assertThat(indexEntries(complete)).containsExactly(indexDigest.toString());
    assertThat(skopeoCopyAll(complete)).isEqualTo(indexDigest.toString());
  }

  /** The digests index.json names in a saved tar. */
  @SuppressWarnings("unchecked")
  private static List<String> indexEntries(Path tar) throws Exception {
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (e.getName().equals("index.json")) {
          Map<String, Object> json = JSON.std.mapFrom(in.readAllBytes());
          return ((List<Map<String, Object>>) json.get("manifests")).stream().map(m -> (String) m.get("digest")).toList();
        }
      }
    }
    throw new AssertionError("no index.json in " + tar);
  }

  /** {@code skopeo copy --all oci-archive:TAR oci:DIR}: the digest of what it copied. */
  private String skopeoCopyAll(Path tar) throws Exception {
    Path out = dir.resolve("skopeo-" + tar.getFileName());
    Path digest = dir.resolve(tar.getFileName() + ".digest");
    Exec.Result r = Exec.command(List.of("skopeo", "--insecure-policy", "copy", "-q", "--all", "--digestfile", digest.toString(),
        "oci-archive:" + tar, "oci:" + out + ":x")).timeout(Duration.ofSeconds(60)).run();
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    return Files.readString(digest).strip();
  }

  @Test
  void copyMountsWithinARegistryAndStreamsBetweenRegistriesKeepingEveryDigest() throws Exception {
    Reference from = ref("multi/arch:1");
    Reference within = ref("copied/within:1");
    Copier.Result mounted = new Copier(client(from, false), client(within, true), TransferListener.plain(lines::add),
        TransferOptions.defaults().withAllPlatforms(true)).copy(from, within);
    assertThat(mounted.digest()).isEqualTo(indexDigest);
    assertThat(lines).filteredOn(l -> l.endsWith(": Mounted from multi/arch")).hasSize(4);

    // through a proxy, the same registry is another host: the blobs stream from one to the other
    lines.clear();
    try (FaultyProxy other = FaultyProxy.start("127.0.0.1", registry.port())) {
      Reference there = Reference.parse(other.host() + "/copied/across:1");
      Copier.Result streamed = new Copier(client(from, false), client(there, true), TransferListener.plain(lines::add),
          TransferOptions.defaults().withPlatform(Platform.parse("linux/arm64/v8"))).copy(from, there);
      assertThat(streamed.digest().toString()).isEqualTo(arm64.manifest().digest());
      assertThat(lines).contains("Copying linux/arm64/v8 only: the other platforms of the multi-platform image " + indexDigest
          + " are left out (--all-platforms copies them all)");
      assertThat(lines).filteredOn(l -> l.endsWith(": Pushed")).hasSize(2);
      assertThat(other.bytesUp()).isGreaterThan(arm64.layers().stream().mapToLong(SyntheticImage.Blob::size).sum());
    }
  }
}
