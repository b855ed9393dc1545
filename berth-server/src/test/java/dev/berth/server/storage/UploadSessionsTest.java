package dev.berth.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload sessions: what one costs on disk, the caps on how many are open, and restarts. */
class UploadSessionsTest {
  @TempDir Path root;

  private Set<Path> everything() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.collect(Collectors.toSet());
    }
  }

  @Test
  void anEmptySessionIsOneInode() throws IOException {
    RegistryStorage storage = RegistryStorage.open(root);
    storage.uploads().create("repo"); // creates repositories/repo/_uploads/ once
    Set<Path> before = everything();
    String id = storage.uploads().create("repo");
    Set<Path> after = everything();
    after.removeAll(before);
    assertThat(after).containsExactly(storage.layout().uploadData("repo", id));
    assertThat(storage.layout().uploadData("repo", id)).isRegularFile().isEmptyFile();

    storage.uploads().cancel("repo", id);
    assertThat(everything()).isEqualTo(before);
  }

  @Test
  void sessionsAreCappedPerUserAndInTotalAndEveryEndFreesItsSlot() {
    RegistryStorage storage = RegistryStorage.open(root, new UploadLimits(2, 3));
    UploadStore uploads = storage.uploads();
    String a1 = uploads.create("app", "alice");
    String a2 = uploads.create("app", "alice");
    assertThatThrownBy(() -> uploads.create("app", "alice"))
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(StorageException.Reason.TOO_MANY_UPLOADS);
          assertThat(e.getMessage()).isEqualTo("too many upload sessions open for alice (limit 2);"
              + " complete or cancel some, or retry later");
        });
    uploads.create("app", "bob");
    assertThatThrownBy(() -> uploads.create("other", "carol"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getMessage())
            .isEqualTo("too many upload sessions open on this registry (limit 3); complete or cancel some, or retry later"));

    uploads.cancel("app", a1);
    String c1 = uploads.create("other", "carol");

    byte[] content = "layer".getBytes(StandardCharsets.UTF_8);
    try (UploadWriter w = uploads.openWriter("app", a2, null)) {
      w.write(ByteBuffer.wrap(content));
    }
    uploads.complete("app", a2, Digest.sha256(content));
    String a3 = uploads.create("app", "alice");

    try (UploadWriter w = uploads.openWriter("app", a3, null)) {
      w.write(ByteBuffer.wrap(content));
    }
    assertThatThrownBy(() -> uploads.complete("app", a3, Digest.sha256("other".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(StorageException.class);
    uploads.create("app", "alice");

    assertThat(uploads.openSessions()).isEqualTo(3);
    assertThat(uploads.purge(Duration.ofMillis(-1))).isEqualTo(3);
    assertThat(uploads.openSessions()).isZero();
    uploads.create("other", "carol");
    assertThatThrownBy(() -> uploads.offset("other", c1)).isInstanceOf(StorageException.class);
  }

  @Test
  void sessionsFoundAtStartCountTowardsTheTotalAndResume() throws IOException {
    byte[] content = "abcdefghij".getBytes(StandardCharsets.UTF_8);
    RegistryStorage first = RegistryStorage.open(root);
    String id = first.uploads().create("app", "alice");
    try (UploadWriter w = first.uploads().openWriter("app", id, null)) {
      w.write(ByteBuffer.wrap(content, 0, 4));
    }
    // A session of the earlier layout, two days old: a directory with data and startedat.
    String legacy = UUID.randomUUID().toString();
    Path legacyDir = first.layout().uploadsDir("old").resolve(legacy);
    Files.createDirectories(legacyDir);
    Files.write(legacyDir.resolve("data"), content);
    Files.writeString(legacyDir.resolve("startedat"), Instant.now().minus(Duration.ofDays(2)).toString());

    RegistryStorage second = RegistryStorage.open(root, new UploadLimits(10, 2));
    assertThat(second.uploads().openSessions()).isEqualTo(2);
    assertThatThrownBy(() -> second.uploads().create("app", "alice"))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.TOO_MANY_UPLOADS));

    assertThat(second.uploads().offset("app", id)).isEqualTo(4);
    try (UploadWriter w = second.uploads().openWriter("app", id, 4L)) {
      w.write(ByteBuffer.wrap(content, 4, 6));
    }
    second.uploads().complete("app", id, Digest.sha256(content));
    assertThat(second.uploads().offset("old", legacy)).isEqualTo(content.length);

    assertThat(second.uploads().purge(Duration.ofDays(1))).isEqualTo(1);
    assertThat(legacyDir).doesNotExist();
    assertThat(second.uploads().openSessions()).isZero();
  }

  @Test
  void sessionIdsAreUuidV7CarryingTheirStart() {
    long before = System.currentTimeMillis();
    List<String> ids = Stream.generate(UploadStore::newId).limit(100).toList();
    long after = System.currentTimeMillis();
    assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> {
      assertThat(StorageLayout.isUploadId(id)).isTrue();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(7);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(uuid.getMostSignificantBits() >>> 16).isBetween(before, after);
    });
  }
}
