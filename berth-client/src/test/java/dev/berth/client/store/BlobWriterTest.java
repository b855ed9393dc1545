package dev.berth.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.Digest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blobs written in pieces (a download that breaks and resumes): verified whole, visible only when right. */
class BlobWriterTest {
  @TempDir Path dir;

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private void assertNoTempFiles(ImageStore store) throws Exception {
    try (Stream<Path> tmp = Files.list(store.root().resolve(".tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  /** Bigger than the buffered head and not a multiple of the block: O_DIRECT stages, then a buffered tail. */
  @Test
  void aBlobWrittenInUnevenPiecesAcrossTheDirectPathIsExact() throws Exception {
    byte[] blob = random(DirectAppender.STAGE * 2 + 1_234_567, 1);
    Digest digest = Digest.sha256(blob);
    ImageStore store = ImageStore.open(dir.resolve("images"));
    try (BlobWriter w = store.newBlobWriter(digest, blob.length)) {
      int at = 0;
      int piece = 1;
      while (at < blob.length) {
        int n = Math.min(blob.length - at, piece);
        w.write(ByteBuffer.wrap(blob, at, n));
        at += n;
        piece = piece * 3 + 7;
      }
      assertThat(w.commit().digest()).isEqualTo(digest);
    }
    assertThat(Files.readAllBytes(store.blobPath(digest))).isEqualTo(blob);
    assertNoTempFiles(store);
  }

  @Test
  void restartingStartsOverAndAWrongBlobLeavesNothing() throws Exception {
    byte[] blob = random(3 * 1024 * 1024, 2);
    Digest digest = Digest.sha256(blob);
    ImageStore store = ImageStore.open(dir.resolve("images"));
    try (BlobWriter w = store.newBlobWriter(digest, blob.length)) {
      w.write(blob, 0, 2_000_000);
      assertThat(w.written()).isEqualTo(2_000_000);
      w.restart(); // the server ignored our Range: the whole blob again
      w.write(blob, 0, blob.length);
      w.commit();
    }
    assertThat(Files.readAllBytes(store.blobPath(digest))).isEqualTo(blob);

    byte[] other = random(2 * 1024 * 1024, 3);
    Digest expected = Digest.sha256(random(2 * 1024 * 1024, 4));
    try (BlobWriter w = store.newBlobWriter(expected, other.length)) {
      w.write(other, 0, other.length);
      assertThatThrownBy(w::commit).isInstanceOf(DigestMismatchException.class).hasMessageStartingWith("digest mismatch");
    }
    try (BlobWriter w = store.newBlobWriter(expected, 10)) {
      assertThatThrownBy(() -> w.write(other, 0, 11)).hasMessage("the content is larger than the expected 10 bytes");
    }
    assertThat(store.hasBlob(expected)).isFalse();
    assertNoTempFiles(store);
  }

  /** tmpfs refuses O_DIRECT: the same bytes go through the page cache. */
  @Test
  void aFileSystemWithoutDirectIoGetsTheSameBytes() throws Exception {
    Path shm = Path.of("/dev/shm");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm here");
    Path root = Files.createTempDirectory(shm, "berth-blobwriter-");
    try {
      byte[] blob = random(DirectAppender.STAGE + 5, 5);
      Digest digest = Digest.sha256(blob);
      ImageStore store = ImageStore.open(root);
      try (BlobWriter w = store.newBlobWriter(digest, blob.length)) {
        w.write(blob, 0, blob.length);
        w.commit();
      }
      assertThat(Files.readAllBytes(store.blobPath(digest))).isEqualTo(blob);
    } finally {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
