package dev.berth.server.storage;

import dev.berth.model.Digest;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * A repository's view of the blob store: a repository serves a blob only if it holds a link to
 * it, so knowing a digest pushed elsewhere gives no access to its content.
 */
public final class LinkedBlobs {
  private final StorageLayout layout;
  private final BlobStore blobs;

  private final ReadWriteLock gcLock;

  LinkedBlobs(StorageLayout layout, BlobStore blobs, ReadWriteLock gcLock) {
    this.gcLock = gcLock;
    this.layout = layout;
    this.blobs = blobs;
  }

  public boolean isLinked(String repository, Digest digest) {
    return Links.read(layout.layerLink(repository, digest)).isPresent() && blobs.exists(digest);
  }

  /** The size of a blob this repository may serve, else BLOB_UNKNOWN. */
  public long size(String repository, Digest digest) {
    requireLinked(repository, digest);
    return blobs.size(digest);
  }

  /** The file holding a blob this repository may serve, else BLOB_UNKNOWN. */
  public Path path(String repository, Digest digest) {
    requireLinked(repository, digest);
    return blobs.path(digest);
  }

  /** Links an existing blob into a repository (after an upload, or a cross-repository mount). */
  public void link(String repository, Digest digest) {
    gcLock.readLock().lock();
    try {
      // Refresh first (touch fails if the blob is gone): a later sweep sees it as recent.
      blobs.touch(digest);
      Links.write(layout.layerLink(repository, digest), digest);
    } finally {
      gcLock.readLock().unlock();
    }
  }

  /** Mounts a blob {@code from} another repository, if that repository links it. */
  public boolean mount(String repository, Digest digest, String from) {
    if (!isLinked(from, digest)) {
      return false;
    }
    link(repository, digest);
    return true;
  }

  public void unlink(String repository, Digest digest) {
    if (!Links.delete(layout.layerLink(repository, digest))) {
      throw new StorageException(StorageException.Reason.BLOB_UNKNOWN,
          "blob unknown to " + repository + ": " + digest);
    }
  }

  private void requireLinked(String repository, Digest digest) {
    if (Links.read(layout.layerLink(repository, digest)).isEmpty()) {
      throw new StorageException(StorageException.Reason.BLOB_UNKNOWN,
          "blob unknown to " + repository + ": " + digest);
    }
  }
}
