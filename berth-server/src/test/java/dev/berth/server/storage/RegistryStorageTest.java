package dev.berth.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.Digest;
import dev.berth.model.MediaTypes;
import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryStorageTest {
  @TempDir Path root;
  RegistryStorage storage;

  @BeforeEach
  void open() {
    storage = RegistryStorage.open(root);
  }

  Digest push(String repo, byte[] content) {
    String id = storage.uploads().create(repo);
    try (UploadWriter w = storage.uploads().openWriter(repo, id, null)) {
      w.write(ByteBuffer.wrap(content));
    }
    Digest digest = Digest.sha256(content);
    storage.uploads().complete(repo, id, digest);
    return digest;
  }

  @Test
  void blobIsStoredOnceAndVisibleOnlyThroughLinks() throws IOException {
    byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
    Digest digest = push("a/b", content);

    assertThat(Files.readAllBytes(storage.layout().blobData(digest))).isEqualTo(content);
    assertThat(storage.blobs().size("a/b", digest)).isEqualTo(content.length);
    assertThatThrownBy(() -> storage.blobs().path("other", digest))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.BLOB_UNKNOWN));
    assertThat(storage.blobs().mount("other", digest, "a/b")).isTrue();
    assertThat(storage.blobs().size("other", digest)).isEqualTo(content.length);
  }

  @Test
  void aLongUploadInOddPiecesAcrossTwoRequestsCompletesIntact() throws Exception {
    String id = storage.uploads().create("big");
    java.security.MessageDigest sha = Digest.newSha256();
    java.util.Random random = new java.util.Random(7);
    long total = 0;
    for (int request = 0; request < 2; request++) {
      try (UploadWriter w = storage.uploads().openWriter("big", id, total)) {
        // Odd sizes: the first request ends mid-block, so the second starts unaligned.
        for (int i = 0; i < 40; i++) {
          byte[] piece = new byte[300_001 + random.nextInt(50_000)];
          random.nextBytes(piece);
          sha.update(piece);
          w.write(ByteBuffer.wrap(piece));
          total += piece.length;
        }
      }
    }
    Digest digest = Digest.fromHash("sha256", sha.digest());
    assertThat(storage.uploads().complete("big", id, digest)).isEqualTo(total);
    assertThat(Digest.fromHash("sha256", UploadStore.hashFile(storage.layout().blobData(digest),
        Digest.newSha256()))).isEqualTo(digest);
  }

  @Test
  void aSecondCopyOfAStoredBlobIsDeletedInTheBackgroundAndLeftoversAtTheNextStart() throws Exception {
    byte[] content = "the same layer, pushed to two repositories".getBytes(StandardCharsets.UTF_8);
    Digest digest = push("first", content);
    push("second", content);
    assertThat(storage.drainTrash(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThat(storage.blobs().size("second", digest)).isEqualTo(content.length);
    assertThat(Files.readAllBytes(storage.layout().blobData(digest))).isEqualTo(content);
    try (var left = Files.list(storage.layout().trashRoot())) {
      assertThat(left).isEmpty();
    }
    assertThat(storage.layout().uploadsDir("second")).isEmptyDirectory();

    // What a crash leaves in the trash goes when the storage opens again.
    Path leftover = Files.writeString(storage.layout().trashRoot().resolve("left-by-a-crash"), "x");
    RegistryStorage reopened = RegistryStorage.open(root);
    assertThat(reopened.drainTrash(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(leftover).doesNotExist();
  }

  @Test
  void chunksAccumulateAcrossWritersAndOutOfOrderChunksAreRefused() {
    String id = storage.uploads().create("repo");
    try (UploadWriter w = storage.uploads().openWriter("repo", id, 0L)) {
      w.write(ByteBuffer.wrap("hello ".getBytes(StandardCharsets.UTF_8)));
    }
    assertThatThrownBy(() -> storage.uploads().openWriter("repo", id, 3L))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.RANGE_INVALID));
    try (UploadWriter w = storage.uploads().openWriter("repo", id, 6L)) {
      w.write(ByteBuffer.wrap("world".getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(storage.uploads().offset("repo", id)).isEqualTo(11);
    Digest digest = Digest.sha256("hello world".getBytes(StandardCharsets.UTF_8));
    assertThat(storage.uploads().complete("repo", id, digest)).isEqualTo(11);
    assertThat(storage.blobs().isLinked("repo", digest)).isTrue();
  }

  @Test
  void digestMismatchLeavesNothingBehind() throws IOException {
    String id = storage.uploads().create("repo");
    try (UploadWriter w = storage.uploads().openWriter("repo", id, null)) {
      w.write(ByteBuffer.wrap("tampered".getBytes(StandardCharsets.UTF_8)));
    }
    Digest claimed = Digest.sha256("original".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> storage.uploads().complete("repo", id, claimed))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.DIGEST_MISMATCH));

    assertThat(storage.blobStore().list()).isEmpty();
    assertThat(storage.blobs().isLinked("repo", claimed)).isFalse();
    // the refused bytes go to trash/ and are deleted in the background: wait for that, briefly
    List<Path> left = List.of();
    for (int i = 0; i < 100; i++) {
      try (Stream<Path> files = Files.walk(root)) {
        left = files.filter(Files::isRegularFile).toList();
      }
      if (left.isEmpty()) {
        break;
      }
      sleep(50);
    }
    assertThat(left).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void sessionsAreBoundToTheirRepository() {
    String id = storage.uploads().create("alice/app");
    assertThatThrownBy(() -> storage.uploads().offset("mallory/app", id))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.UPLOAD_UNKNOWN));
    assertThatThrownBy(() -> storage.uploads().openWriter("alice/app", "../../../etc", null))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.UPLOAD_UNKNOWN));
  }

  @Test
  void namesOutsideTheGrammarNeverBecomePaths() {
    for (String bad : List.of("../etc", "a/../../b", "/abs", "a//b", "A", "_layers", "a/_uploads", "")) {
      assertThatThrownBy(() -> storage.uploads().create(bad))
          .as(bad)
          .isInstanceOfSatisfying(StorageException.class,
              e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.NAME_INVALID));
    }
    assertThatThrownBy(() -> storage.manifests().resolve("repo", "../x"))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.TAG_INVALID));
  }

  @Test
  void concurrentPushesOfTheSameBlobAndTagAreSafe() throws Exception {
    byte[] content = new byte[256 * 1024];
    new java.util.Random(1).nextBytes(content);
    Digest digest = Digest.sha256(content);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Digest>> jobs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        jobs.add(() -> push("repo", content));
      }
      for (Future<Digest> f : pool.invokeAll(jobs)) {
        assertThat(f.get()).isEqualTo(digest);
      }
      byte[] manifest = manifest(digest, content.length);
      List<Callable<Digest>> tags = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        tags.add(() -> storage.manifests().put("repo", "latest", MediaTypes.OCI_MANIFEST, manifest).digest());
      }
      for (Future<Digest> f : pool.invokeAll(tags)) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(Files.readAllBytes(storage.layout().blobData(digest))).isEqualTo(content);
    assertThat(storage.manifests().get("repo", "latest").content()).isEqualTo(manifest(digest, content.length));
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith(AtomicWrite.TEMP_PREFIX)).toList()).isEmpty();
    }
  }

  @Test
  void manifestsAreStoredByteExactAndMustReferenceKnownBlobs() {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest cfg = push("repo", config);
    // Odd spacing and key order must survive: the digest is of these exact bytes.
    byte[] manifest = ("{ \"schemaVersion\":2,  \"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + cfg
        + "\",\"size\":2},\"layers\":[]}\n").getBytes(StandardCharsets.UTF_8);

    Digest digest = storage.manifests().put("repo", "v1", MediaTypes.OCI_MANIFEST, manifest).digest();

    assertThat(digest).isEqualTo(Digest.sha256(manifest));
    StoredManifest byTag = storage.manifests().get("repo", "v1");
    assertThat(byTag.content()).isEqualTo(manifest);
    assertThat(byTag.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(storage.manifests().get("repo", digest.toString()).content()).isEqualTo(manifest);
    assertThat(storage.manifests().tags("repo")).containsExactly("v1");

    byte[] dangling = manifest(Digest.sha256("missing".getBytes(StandardCharsets.UTF_8)), 7);
    assertThatThrownBy(() -> storage.manifests().put("repo", "v2", MediaTypes.OCI_MANIFEST, dangling))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.MANIFEST_BLOB_UNKNOWN));
    assertThatThrownBy(() -> storage.manifests().put("repo", "v3", MediaTypes.OCI_INDEX, manifest))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.MANIFEST_INVALID));
  }

  @Test
  void tempFilesLeftByACrashAreRemovedOnceOld() throws IOException {
    Digest d = push("repo", "x".getBytes(StandardCharsets.UTF_8));
    // what a crash leaves of a link's replacement: its temporary file, never committed nor closed
    Path debris = AtomicWrite.beside(storage.layout().layerLink("repo", d)).path();
    assertThat(storage.removeDebris(Duration.ofHours(1))).isZero();
    Files.setLastModifiedTime(debris, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(Duration.ofHours(2))));
    assertThat(storage.removeDebris(Duration.ofHours(1))).isEqualTo(1);
    assertThat(debris).doesNotExist();
    assertThat(storage.blobs().isLinked("repo", d)).isTrue();
  }

  @Test
  void abandonedSessionsArePurged() {
    String id = storage.uploads().create("repo");
    assertThat(storage.uploads().purge(Duration.ofHours(1))).isZero();
    assertThat(storage.uploads().purge(Duration.ofMillis(-1))).isEqualTo(1);
    assertThatThrownBy(() -> storage.uploads().offset("repo", id)).isInstanceOf(StorageException.class);
  }

  @Test
  void garbageCollectionKeepsReferencedAndRecentBlobs() throws IOException {
    Digest referenced = push("repo", "config".getBytes(StandardCharsets.UTF_8));
    Digest orphan = push("repo", "orphan".getBytes(StandardCharsets.UTF_8));
    Digest fresh = push("repo", "fresh".getBytes(StandardCharsets.UTF_8));
    Digest manifest = storage.manifests().put("repo", "v1", null, manifest(referenced, 6)).digest();
    java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(Duration.ofHours(2)));
    for (Digest d : List.of(referenced, orphan, manifest)) {
      Files.setLastModifiedTime(storage.layout().blobData(d), old);
    }

    GarbageCollector.Result dry = storage.garbageCollector().collect(Duration.ofHours(1), true);
    assertThat(dry.deleted()).containsExactly(orphan);
    assertThat(storage.blobStore().exists(orphan)).isTrue();

    GarbageCollector.Result result = storage.garbageCollector().collect(Duration.ofHours(1), false);
    assertThat(result.deleted()).containsExactly(orphan);
    assertThat(result.keptRecent()).isEqualTo(1);
    assertThat(storage.blobStore().exists(orphan)).isFalse();
    assertThat(storage.blobStore().exists(fresh)).isTrue();
    assertThat(storage.manifests().get("repo", "v1").digest()).isEqualTo(manifest);
    assertThat(storage.blobs().isLinked("repo", orphan)).isFalse();
  }

  private static byte[] manifest(Digest layer, long size) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{"
        + "\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + layer + "\",\"size\":" + size
        + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
  }
}
