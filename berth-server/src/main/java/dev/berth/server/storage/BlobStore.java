package dev.berth.server.storage;

import dev.berth.model.Digest;
import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The global content-addressable store. It knows nothing of repositories: who may see a blob is
 * the business of {@link LinkedBlobs}. Content is immutable once in place, so two writers of the
 * same digest race harmlessly: both rename identical bytes onto the same name.
 */
public final class BlobStore {
  private final StorageLayout layout;
  private final Trash trash;

  BlobStore(StorageLayout layout, Trash trash) {
    this.layout = layout;
    this.trash = trash;
  }

  public boolean exists(Digest digest) {
    return Files.isRegularFile(layout.blobData(digest));
  }

  /** The blob's size, or {@link StorageException.Reason#BLOB_UNKNOWN}. */
  public long size(Digest digest) {
    try {
      return Files.size(layout.blobData(digest));
    } catch (NoSuchFileException e) {
      throw new StorageException(StorageException.Reason.BLOB_UNKNOWN, "blob unknown: " + digest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat blob " + digest + ": " + e.getMessage(), e);
    }
  }

  public Path path(Digest digest) {
    return layout.blobData(digest);
  }

  public byte[] read(Digest digest) {
    try {
      return Files.readAllBytes(layout.blobData(digest));
    } catch (NoSuchFileException e) {
      throw new StorageException(StorageException.Reason.BLOB_UNKNOWN, "blob unknown: " + digest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + digest + ": " + e.getMessage(), e);
    }
  }

  /**
   * Moves a complete, fsynced, verified file into place under its digest. If the blob is already
   * there the file goes to the trash and the blob's time is refreshed, which tells the garbage
   * collector it was just used.
   */
  void commit(Path verifiedFile, Digest digest) throws IOException {
    Path target = layout.blobData(digest);
    if (Files.isRegularFile(target)) {
      trash.discard(verifiedFile);
      touch(digest);
      return;
    }
    AtomicWrite.createDirectories(target.getParent());
    AtomicWrite.moveIntoPlace(verifiedFile, target);
  }

  /** Stores small content (a manifest) under its digest, durably. */
  void put(Digest digest, byte[] content) {
    if (exists(digest)) {
      touch(digest);
      return;
    }
    AtomicFiles.write(layout.blobData(digest), content);
  }

  /** Marks a blob as just used, so a garbage collection's safety window protects it. */
  void touch(Digest digest) {
    try {
      Files.setLastModifiedTime(layout.blobData(digest), FileTime.from(Instant.now()));
    } catch (NoSuchFileException e) {
      throw new StorageException(StorageException.Reason.BLOB_UNKNOWN, "blob unknown: " + digest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot touch blob " + digest + ": " + e.getMessage(), e);
    }
  }

  Instant lastModified(Digest digest) throws IOException {
    return Files.getLastModifiedTime(layout.blobData(digest)).toInstant();
  }

  /** Every blob in the store (for garbage collection). */
  public List<Digest> list() {
    List<Digest> all = new ArrayList<>();
    Path root = layout.blobsRoot();
    if (!Files.isDirectory(root)) {
      return all;
    }
    try (Stream<Path> algorithms = Files.list(root)) {
      for (Path alg : algorithms.toList()) {
        try (Stream<Path> prefixes = Files.list(alg)) {
          for (Path prefix : prefixes.toList()) {
            try (Stream<Path> blobs = Files.list(prefix)) {
              for (Path blob : blobs.toList()) {
                String text = alg.getFileName() + ":" + blob.getFileName();
                if (Digest.isValid(text) && Files.isRegularFile(blob.resolve("data"))) {
                  all.add(Digest.parse(text));
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list blobs: " + e.getMessage(), e);
    }
    return all;
  }

  /** What the store holds: bytes and blobs (a walk of the tree; for metrics, a few times an hour). */
  public record Usage(long bytes, long blobs) {}

  public Usage usage() {
    long bytes = 0;
    long count = 0;
    for (Digest digest : list()) {
      try {
        bytes += Files.size(layout.blobData(digest));
        count++;
      } catch (IOException e) {
        // collected meanwhile
      }
    }
    return new Usage(bytes, count);
  }

  /** Removes a blob's data and directory (garbage collection only). */
  void delete(Digest digest) throws IOException {
    Path data = layout.blobData(digest);
    Files.deleteIfExists(data);
    try {
      Files.deleteIfExists(data.getParent());
    } catch (java.nio.file.DirectoryNotEmptyException ignored) {
      // a concurrent commit's temp file: the blob is coming back
    }
    AtomicWrite.syncDirectory(data.getParent().getParent());
  }
}
