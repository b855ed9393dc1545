package dev.berth.server.storage;

import dev.berth.model.Digest;
import dev.berth.model.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.stream.Stream;

/**
 * Manifests of a repository: bytes kept exactly as pushed (in the blob store), a revision link
 * per manifest, tags pointing at revisions, and a referrers index by {@code subject}.
 *
 * <p>Write order makes every crash point safe: bytes, then the revision link, then the referrers
 * link, then the tag. A tag therefore never names a manifest that is not there.
 */
public final class ManifestStore {
  /** The distribution spec lets registries refuse larger manifests; 4 MiB is the common limit. */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  private final StorageLayout layout;
  private final BlobStore blobs;
  private final LinkedBlobs linked;
  private final ReadWriteLock gcLock;

  ManifestStore(StorageLayout layout, BlobStore blobs, LinkedBlobs linked, ReadWriteLock gcLock) {
    this.gcLock = gcLock;
    this.layout = layout;
    this.blobs = blobs;
    this.linked = linked;
  }

  /**
   * Stores a manifest under {@code reference} (a tag or the digest of {@code content}).
   *
   * @return the manifest's digest and parsed document
   */
  public Put put(String repository, String reference, String contentType, byte[] content) {
    StorageLayout.requireName(repository);
    if (content.length > MAX_MANIFEST_BYTES) {
      throw new StorageException(StorageException.Reason.MANIFEST_TOO_LARGE,
          "manifest of " + content.length + " bytes exceeds the limit of " + MAX_MANIFEST_BYTES);
    }
    Digest digest;
    String tag = null;
    if (Digest.isValid(reference)) {
      Digest named = Digest.parse(reference);
      digest = Digest.fromHash(named.algorithm(), named.newHasher().digest(content));
      if (!digest.equals(named)) {
        throw new StorageException(StorageException.Reason.DIGEST_MISMATCH,
            "manifest content has digest " + digest + ", not " + named);
      }
    } else if (Names.isTag(reference)) {
      tag = reference;
      digest = Digest.sha256(content);
    } else {
      throw new StorageException(StorageException.Reason.TAG_INVALID,
          "invalid tag or digest: " + reference);
    }
    ManifestDocument doc = ManifestDocument.parse(content, contentType);
    // Under the collector's shared lock: a sweep cannot take a blob between our check and our
    // link, and the touch makes the blobs we reference "recent" for any later sweep.
    gcLock.readLock().lock();
    try {
      for (ManifestDocument.Descriptor d : doc.blobs()) {
        if (ManifestDocument.mustExist(d) && !linked.isLinked(repository, d.digest())) {
          throw new StorageException(StorageException.Reason.MANIFEST_BLOB_UNKNOWN,
              "manifest references blob " + d.digest() + " unknown to " + repository,
              d.digest().toString());
        }
        if (ManifestDocument.mustExist(d)) {
          blobs.touch(d.digest());
        }
      }
      for (ManifestDocument.Descriptor d : doc.manifests()) {
        if (!exists(repository, d.digest())) {
          throw new StorageException(StorageException.Reason.MANIFEST_BLOB_UNKNOWN,
              "index references manifest " + d.digest() + " unknown to " + repository,
              d.digest().toString());
        }
        blobs.touch(d.digest());
      }
      blobs.put(digest, content);
      Links.write(layout.revisionLink(repository, digest), digest);
      if (doc.subject() != null) {
        Links.write(layout.referrerLink(repository, doc.subject().digest(), digest), digest);
      }
      if (tag != null) {
        Links.write(layout.tagLink(repository, tag), digest);
      }
    } finally {
      gcLock.readLock().unlock();
    }
    return new Put(digest, doc);
  }

  /** The outcome of a put. */
  public record Put(Digest digest, ManifestDocument document) {}

  public boolean exists(String repository, Digest digest) {
    return Links.read(layout.revisionLink(repository, digest)).isPresent() && blobs.exists(digest);
  }

  /** Resolves a tag or digest to the digest of a manifest stored in the repository. */
  public Digest resolve(String repository, String reference) {
    if (Digest.isValid(reference)) {
      Digest digest = Digest.parse(reference);
      if (!exists(repository, digest)) {
        throw unknown(repository, reference);
      }
      return digest;
    }
    if (!Names.isTag(reference)) {
      throw new StorageException(StorageException.Reason.TAG_INVALID,
          "invalid tag or digest: " + reference);
    }
    StorageLayout.requireName(repository);
    Optional<Digest> digest = Links.read(layout.tagLink(repository, reference));
    if (digest.isEmpty() || !exists(repository, digest.get())) {
      throw unknown(repository, reference);
    }
    return digest.get();
  }

  public StoredManifest get(String repository, String reference) {
    Digest digest = resolve(repository, reference);
    byte[] content = blobs.read(digest);
    return new StoredManifest(digest, ManifestDocument.stored(content).mediaType(), content);
  }

  /** What a delete removed: the manifest's digest and the tags that named it (by tag: that one). */
  public record Deleted(Digest digest, List<String> tags) {}

  /**
   * Deletes by digest (the revision and every tag naming it) or by tag (just the tag).
   */
  public Deleted delete(String repository, String reference) {
    if (Names.isTag(reference) && !Digest.isValid(reference)) {
      StorageLayout.requireName(repository);
      Digest named = Links.read(layout.tagLink(repository, reference)).orElse(null);
      if (!Links.delete(layout.tagLink(repository, reference))) {
        throw unknown(repository, reference);
      }
      deleteEmpty(layout.tagLink(repository, reference).getParent().getParent());
      return new Deleted(named, List.of(reference));
    }
    Digest digest = resolve(repository, reference);
    List<String> removedTags = new java.util.ArrayList<>();
    for (String tag : tags(repository)) {
      Path link = layout.tagLink(repository, tag);
      if (Links.read(link).filter(digest::equals).isPresent()) {
        Links.delete(link);
        deleteEmpty(link.getParent().getParent());
        removedTags.add(tag);
      }
    }
    StoredManifest m = new StoredManifest(digest, null, blobs.read(digest));
    ManifestDocument doc = ManifestDocument.stored(m.content());
    if (doc.subject() != null) {
      Links.delete(layout.referrerLink(repository, doc.subject().digest(), digest));
    }
    Links.delete(layout.revisionLink(repository, digest));
    return new Deleted(digest, removedTags);
  }

  /** The repository's tags in lexical order; REPOSITORY_UNKNOWN if it has no manifests at all. */
  public List<String> tags(String repository) {
    Path dir = layout.tagsDir(repository);
    if (!Files.isDirectory(layout.manifestsDir(repository))) {
      throw new StorageException(StorageException.Reason.REPOSITORY_UNKNOWN,
          "repository unknown: " + repository);
    }
    List<String> tags = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString())
          .filter(Names::isTag)
          .filter(t -> Files.exists(layout.tagLink(repository, t)))
          .sorted()
          .forEach(tags::add);
    } catch (NoSuchFileException e) {
      return tags;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list tags of " + repository + ": " + e.getMessage(), e);
    }
    return tags;
  }

  /** Digests of the manifests in this repository whose subject is {@code subject}. */
  public List<Digest> referrers(String repository, Digest subject) {
    Path dir = layout.referrersDir(repository, subject);
    List<Digest> out = new ArrayList<>();
    try (Stream<Path> algorithms = Files.list(dir)) {
      for (Path alg : algorithms.toList()) {
        try (Stream<Path> s = Files.list(alg)) {
          for (Path p : s.toList()) {
            Links.read(p.resolve("link")).filter(d -> exists(repository, d)).ifPresent(out::add);
          }
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list referrers of " + subject + ": " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  /** Digests of every manifest revision in the repository (for garbage collection). */
  public List<Digest> revisions(String repository) {
    Path dir = layout.revisionsDir(repository);
    List<Digest> out = new ArrayList<>();
    try (Stream<Path> algorithms = Files.list(dir)) {
      for (Path alg : algorithms.toList()) {
        try (Stream<Path> s = Files.list(alg)) {
          for (Path p : s.toList()) {
            Links.read(p.resolve("link")).ifPresent(out::add);
          }
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list manifests of " + repository + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static void deleteEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve("current"));
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a concurrent re-tag is writing here; leaving the directory is harmless
    }
  }

  private static StorageException unknown(String repository, String reference) {
    return new StorageException(StorageException.Reason.MANIFEST_UNKNOWN,
        "manifest unknown: " + repository + ":" + reference);
  }
}
