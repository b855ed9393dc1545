package dev.berth.server.storage;

import dev.berth.model.Digest;
import dev.berth.model.Names;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Every path of the registry's storage, computed in this one place. Inputs are validated against
 * the distribution grammars <em>before</em> they become path segments, so no request can name a
 * file outside the root ({@code ..}, {@code /}, {@code %2e} are all outside the grammars).
 *
 * <pre>
 * &lt;root&gt;/
 * ├── blobs/                                   content-addressable, shared by all repositories
 * │   └── sha256/ab/abcdef…(64 hex)/data        the bytes; written once, renamed into place
 * ├── trash/&lt;uuid&gt;                            files being deleted in the background (never read)
 * ├── lock                                     held (kernel lock) by the one process using the storage
 * ├── htpasswd                                 users (bcrypt, as htpasswd -B writes), unless --htpasswd names another
 * ├── access.yml                               access rules, unless --rules names another
 * ├── auth/
 * │   ├── state.db                             refresh and personal tokens, revocations (SQLite, 0600)
 * │   ├── signing-keys.json                    the keys that sign access tokens (JWK set, 0600)
 * │   └── token-signing.pem                    their certificates, for registries that trust a bundle
 * ├── tls/                                     --tls auto: the registry's own CA and certificate (see AutoTls)
 * ├── audit.log                                security events, appended (unless --audit-log names another)
 * └── repositories/
 *     └── &lt;name…&gt;/                           e.g. library/ubuntu (components never start with '_')
 *         ├── _layers/sha256/&lt;hex&gt;/link         "sha256:&lt;hex&gt;": this repository may serve the blob
 *         ├── _manifests/
 *         │   ├── revisions/sha256/&lt;hex&gt;/link  a manifest stored here (bytes live in blobs/)
 *         │   ├── tags/&lt;tag&gt;/current/link     "sha256:&lt;hex&gt;": the manifest the tag names now
 *         │   └── referrers/sha256/&lt;subject hex&gt;/sha256/&lt;hex&gt;/link
 *         │                                     manifests whose {@code subject} is the given one
 *         └── _uploads/&lt;uuid&gt;                  an upload session: the bytes received so far. One
 *                                               inode per session; the id is a UUIDv7, so it
 *                                               carries the session's start (for purging)
 * </pre>
 *
 * Sessions started before that layout are directories, {@code _uploads/<uuid>/data} plus a
 * {@code startedat} file; they are still read, resumed and purged, never created.
 *
 * Links hold the digest as text and are replaced atomically (see {@link AtomicFiles}); a link is
 * written only after what it points to is durable, so a crash never leaves a link to nothing.
 * Temp files ({@code .tmp-*}, {@link dev.berth.model.io.AtomicWrite#TEMP_PREFIX}) sit next to their
 * target and are never read.
 */
public final class StorageLayout {
  private static final Pattern UPLOAD_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final Path root;

  public StorageLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path blobsRoot() {
    return root.resolve("blobs");
  }

  /** Locked by the one process working on this storage ({@link StorageLock}). */
  public Path lockFile() {
    return root.resolve("lock");
  }

  /** The default users file. */
  public Path usersFile() {
    return root.resolve("htpasswd");
  }

  /** The default access rules. */
  public Path rulesFile() {
    return root.resolve("access.yml");
  }

  /** Auth state: tokens, revocations, signing keys. */
  public Path authDir() {
    return root.resolve("auth");
  }

  /** {@code --tls auto}'s CA and server certificate. */
  public Path tlsDir() {
    return root.resolve("tls");
  }

  public Path authStateFile() {
    return authDir().resolve("state.db");
  }

  /** Where big files wait to be deleted off the request's path ({@link Trash}). */
  public Path trashRoot() {
    return root.resolve("trash");
  }

  public Path repositoriesRoot() {
    return root.resolve("repositories");
  }

  /** {@code blobs/sha256/ab/<hex>}: the directory that holds a blob's {@code data}. */
  public Path blobDir(Digest digest) {
    return blobsRoot()
        .resolve(digest.algorithm())
        .resolve(digest.encoded().substring(0, 2))
        .resolve(digest.encoded());
  }

  public Path blobData(Digest digest) {
    return blobDir(digest).resolve("data");
  }

  public Path repository(String name) {
    return repositoriesRoot().resolve(requireName(name));
  }

  public Path layerLink(String name, Digest digest) {
    return repository(name).resolve("_layers").resolve(digest.algorithm()).resolve(digest.encoded())
        .resolve("link");
  }

  public Path manifestsDir(String name) {
    return repository(name).resolve("_manifests");
  }

  public Path revisionLink(String name, Digest digest) {
    return revisionsDir(name).resolve(digest.algorithm()).resolve(digest.encoded()).resolve("link");
  }

  public Path revisionsDir(String name) {
    return manifestsDir(name).resolve("revisions");
  }

  public Path tagsDir(String name) {
    return manifestsDir(name).resolve("tags");
  }

  public Path tagDir(String name, String tag) {
    if (!Names.isTag(tag)) {
      throw new StorageException(StorageException.Reason.TAG_INVALID, "invalid tag: " + tag);
    }
    return tagsDir(name).resolve(tag);
  }

  public Path tagLink(String name, String tag) {
    return tagDir(name, tag).resolve("current").resolve("link");
  }

  public Path referrersDir(String name, Digest subject) {
    return manifestsDir(name).resolve("referrers").resolve(subject.algorithm())
        .resolve(subject.encoded());
  }

  public Path referrerLink(String name, Digest subject, Digest referrer) {
    return referrersDir(name, subject).resolve(referrer.algorithm()).resolve(referrer.encoded())
        .resolve("link");
  }

  public Path uploadsDir(String name) {
    return repository(name).resolve("_uploads");
  }

  public Path uploadDir(String name, String uploadId) {
    if (!isUploadId(uploadId)) {
      throw new StorageException(StorageException.Reason.UPLOAD_UNKNOWN,
          "unknown upload session: " + uploadId);
    }
    return uploadsDir(name).resolve(uploadId);
  }

  /** A session's data: the session itself. */
  public Path uploadData(String name, String uploadId) {
    return uploadDir(name, uploadId);
  }

  /** The data of a session of the earlier layout (a directory). */
  static Path legacyUploadData(Path sessionDir) {
    return sessionDir.resolve("data");
  }

  /** The start time of a session of the earlier layout. */
  static Path legacyUploadStartedAt(Path sessionDir) {
    return sessionDir.resolve("startedat");
  }

  public static boolean isUploadId(String id) {
    return id != null && UPLOAD_ID.matcher(id).matches();
  }

  static String requireName(String name) {
    if (!Names.isRepository(name)) {
      throw new StorageException(StorageException.Reason.NAME_INVALID,
          "invalid repository name: " + name);
    }
    return name;
  }
}
