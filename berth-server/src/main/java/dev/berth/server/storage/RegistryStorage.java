package dev.berth.server.storage;

import dev.berth.model.io.AtomicWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The registry's storage on a local file system, composed as distribution composes it: a global
 * {@link BlobStore}, a per-repository {@link LinkedBlobs} view, {@link ManifestStore} (manifests,
 * tags, referrers) and {@link UploadStore}. Layout: {@link StorageLayout}.
 */
public final class RegistryStorage {
  private final StorageLayout layout;
  private final BlobStore blobs;
  private final LinkedBlobs linked;
  private final ManifestStore manifests;
  private final UploadStore uploads;
  private final Trash trash;
  /**
   * Writers that make a blob referenced (link, manifest put) hold it shared; the collector's sweep
   * holds it exclusively while it re-checks and deletes one blob.
   */
  private final ReentrantReadWriteLock gcLock = new ReentrantReadWriteLock();

  private RegistryStorage(StorageLayout layout, Trash trash, UploadLimits uploadLimits) {
    this.layout = layout;
    this.trash = trash;
    this.blobs = new BlobStore(layout, trash);
    this.linked = new LinkedBlobs(layout, blobs, gcLock);
    this.manifests = new ManifestStore(layout, blobs, linked, gcLock);
    this.uploads = new UploadStore(layout, blobs, linked, gcLock, trash, uploadLimits);
  }

  /** Garbage collection of blobs no manifest references, with a safety window. */
  public GarbageCollector garbageCollector() {
    return new GarbageCollector(this, gcLock);
  }

  /** Opens (creating if needed) the storage rooted at {@code root}, with the default upload limits. */
  public static RegistryStorage open(Path root) {
    return open(root, UploadLimits.DEFAULTS);
  }

  /** Opens (creating if needed) the storage rooted at {@code root}. */
  public static RegistryStorage open(Path root, UploadLimits uploadLimits) {
    StorageLayout layout = new StorageLayout(root);
    try {
      AtomicWrite.createDirectories(layout.blobsRoot());
      AtomicWrite.createDirectories(layout.repositoriesRoot());
      return new RegistryStorage(layout, new Trash(layout.trashRoot()), uploadLimits);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create registry storage in " + root + ": " + e.getMessage(), e);
    }
  }

  public StorageLayout layout() {
    return layout;
  }

  public BlobStore blobStore() {
    return blobs;
  }

  public LinkedBlobs blobs() {
    return linked;
  }

  public ManifestStore manifests() {
    return manifests;
  }

  public UploadStore uploads() {
    return uploads;
  }

  /** Waits (bounded) until files discarded so far are deleted; for tests. */
  boolean drainTrash(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
    return trash.drain(timeout, unit);
  }

  /**
   * Removes temp files ({@code .tmp-*}) older than {@code maxAge}: what a crash mid-write leaves
   * next to its target. Nothing reads them; this only reclaims space.
   *
   * @return how many were removed
   */
  public int removeDebris(java.time.Duration maxAge) {
    java.time.Instant cutoff = java.time.Instant.now().minus(maxAge);
    int[] removed = {0};
    try {
      Files.walkFileTree(layout.root(), new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (file.getFileName().toString().startsWith(AtomicWrite.TEMP_PREFIX)
              && attrs.lastModifiedTime().toInstant().isBefore(cutoff) && Files.deleteIfExists(file)) {
            removed[0]++;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // vanished meanwhile
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan " + layout.root() + " for temp files: " + e.getMessage(), e);
    }
    return removed[0];
  }

  /** Names of repositories that hold at least one manifest, in lexical order. */
  public List<String> repositories() {
    List<String> names = new ArrayList<>();
    Path root = layout.repositoriesRoot();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          String name = dir.getFileName().toString();
          if (name.equals("_manifests")) {
            names.add(root.relativize(dir.getParent()).toString().replace('\\', '/'));
          }
          return name.startsWith("_") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list repositories: " + e.getMessage(), e);
    }
    names.sort(null);
    return names;
  }
}
