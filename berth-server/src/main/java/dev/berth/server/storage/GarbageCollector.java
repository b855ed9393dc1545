package dev.berth.server.storage;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * Mark and sweep of the blob store. Mark: every manifest revision of every repository, with the
 * config, layers and child manifests it references. Sweep: every other blob whose last use is
 * older than the safety window.
 *
 * <p>Why a concurrent push is safe: uploading writes a fresh blob, and linking or referencing an
 * existing blob refreshes its time, both under the shared side of a lock whose exclusive side the
 * sweep holds while it re-checks a blob's time and deletes it. A blob that a push is about to
 * reference is therefore either recent (kept) or already gone before the push checks for it (the
 * push then fails cleanly with BLOB_UNKNOWN, never leaving a manifest pointing at nothing).
 * This holds for a collection running inside the serving process; an offline one ({@code berth
 * gc}) holds the {@link StorageLock}, so no server runs beside it.
 */
public final class GarbageCollector {
  private final RegistryStorage storage;
  private final ReadWriteLock lock;

  GarbageCollector(RegistryStorage storage, ReadWriteLock lock) {
    this.storage = storage;
    this.lock = lock;
  }

  /**
   * What a collection found and did: blobs referenced, blobs deleted (or, dry, that would be) and
   * their bytes, unreferenced blobs kept because they were used within the safety window.
   */
  public record Result(int marked, List<Digest> deleted, long deletedBytes, int keptRecent) {}

  /** Blobs referenced by some manifest in some repository (manifests included). */
  public Set<Digest> mark() {
    Set<Digest> referenced = new HashSet<>();
    ManifestStore manifests = storage.manifests();
    for (String repository : storage.repositories()) {
      for (Digest revision : manifests.revisions(repository)) {
        referenced.add(revision);
        if (!storage.blobStore().exists(revision)) {
          continue;
        }
        ManifestDocument doc = ManifestDocument.parse(storage.blobStore().read(revision), null);
        doc.blobs().forEach(d -> referenced.add(d.digest()));
        doc.manifests().forEach(d -> referenced.add(d.digest()));
      }
    }
    return referenced;
  }

  /**
   * Deletes unreferenced blobs last used before {@code now - safetyWindow}.
   *
   * @param dryRun only report what would be deleted
   */
  public Result collect(Duration safetyWindow, boolean dryRun) {
    Instant cutoff = Instant.now().minus(safetyWindow);
    Set<Digest> referenced = mark();
    List<Digest> deleted = new java.util.ArrayList<>();
    long bytes = 0;
    int recent = 0;
    for (Digest digest : storage.blobStore().list()) {
      if (referenced.contains(digest)) {
        continue;
      }
      lock.writeLock().lock();
      try {
        Instant used = storage.blobStore().lastModified(digest);
        if (!used.isBefore(cutoff)) {
          recent++;
          continue;
        }
        long size = java.nio.file.Files.size(storage.layout().blobData(digest));
        if (!dryRun) {
          storage.blobStore().delete(digest);
        }
        deleted.add(digest);
        bytes += size;
      } catch (java.nio.file.NoSuchFileException e) {
        // deleted meanwhile
      } catch (IOException e) {
        throw new UncheckedIOException("cannot collect blob " + digest + ": " + e.getMessage(), e);
      } finally {
        lock.writeLock().unlock();
      }
    }
    return new Result(referenced.size(), deleted, bytes, recent);
  }
}
