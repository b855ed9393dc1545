package dev.berth.server.storage;

import dev.berth.model.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.stream.Stream;

/**
 * Mark and sweep of the blob store. Mark: every manifest revision of every repository, with the
 * config, layers and child manifests it references, and every blob some repository links.
 * Sweep: every other blob, and blobs that are linked but referenced by no manifest once their
 * last use is older than the safety window.
 *
 * <p>So a blob deleted through the API (unlinked from every repository, in no manifest) is
 * reclaimed by the next collection, while a blob a push has uploaded (linked) but not yet put in
 * a manifest is kept for the safety window.
 *
 * <p>Why a concurrent push is safe: uploading writes a fresh blob, and linking or referencing an
 * existing blob refreshes its time, both under the shared side of a lock whose exclusive side the
 * sweep holds while it re-checks a blob's time and deletes it. An unlinked blob is deleted only
 * if nothing touched it since the mark began (a link made after the walk passed its repository
 * touched it); a linked one only past the safety window. A blob that a push is about to
 * reference is therefore either kept or already gone before the push checks for it (the push
 * then fails cleanly with BLOB_UNKNOWN, never leaving a manifest pointing at nothing).
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
        ManifestDocument doc = ManifestDocument.stored(storage.blobStore().read(revision));
        doc.blobs().forEach(d -> referenced.add(d.digest()));
        doc.manifests().forEach(d -> referenced.add(d.digest()));
      }
    }
    return referenced;
  }

  /**
   * Deletes blobs no manifest references and no repository links, untouched since the collection
   * began, and linked ones no manifest references last used before {@code now - safetyWindow}.
   *
   * @param dryRun only report what would be deleted
   */
  public Result collect(Duration safetyWindow, boolean dryRun) {
    Instant now = Instant.now();
    Instant windowCutoff = now.minus(safetyWindow);
    // File times may be kept in whole seconds (or two): anything touched this close to the start
    // counts as touched since, and waits for the next collection.
    Instant markStart = now.minusSeconds(2);
    Set<Digest> linked = linked();
    Set<Digest> referenced = mark();
    List<Digest> deleted = new java.util.ArrayList<>();
    long bytes = 0;
    int recent = 0;
    for (Digest digest : storage.blobStore().list()) {
      if (referenced.contains(digest)) {
        continue;
      }
      Instant cutoff = linked.contains(digest) ? windowCutoff : markStart;
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

  /**
   * Blobs some repository links ({@code _layers/}), in any repository, with or without manifests
   * (a first push links its layers before its repository has a manifest).
   */
  Set<Digest> linked() {
    Set<Digest> linked = new HashSet<>();
    Path root = storage.layout().repositoriesRoot();
    if (!Files.isDirectory(root)) {
      return linked;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          String name = dir.getFileName().toString();
          if (!name.startsWith("_")) {
            return FileVisitResult.CONTINUE;
          }
          if (name.equals("_layers")) {
            collectLinks(dir, linked);
          }
          return FileVisitResult.SKIP_SUBTREE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // a repository removed meanwhile
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list linked blobs: " + e.getMessage(), e);
    }
    return linked;
  }

  /** {@code _layers/<algorithm>/<hex>/link}: the directory names are the digest. */
  private static void collectLinks(Path layers, Set<Digest> into) {
    try (Stream<Path> algorithms = Files.list(layers)) {
      for (Path algorithm : algorithms.toList()) {
        try (Stream<Path> links = Files.list(algorithm)) {
          for (Path link : links.toList()) {
            String text = algorithm.getFileName() + ":" + link.getFileName();
            if (Digest.isValid(text) && Files.exists(link.resolve("link"))) {
              into.add(Digest.parse(text));
            }
          }
        }
      }
    } catch (NoSuchFileException e) {
      // unlinked meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + layers + ": " + e.getMessage(), e);
    }
  }
}
