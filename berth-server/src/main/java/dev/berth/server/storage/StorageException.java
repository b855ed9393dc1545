package dev.berth.server.storage;

/**
 * A storage failure a client caused or can act on. Storage never speaks HTTP: it names what went
 * wrong with a {@link Reason}; the HTTP layer's one error mapper turns that into a status and body.
 * The message says what was being attempted and is safe to show to the client.
 */
public final class StorageException extends RuntimeException {

  /** What went wrong, in storage terms. */
  public enum Reason {
    NAME_INVALID,
    TAG_INVALID,
    DIGEST_INVALID,
    /** The content's digest differs from the one the client announced. */
    DIGEST_MISMATCH,
    SIZE_INVALID,
    BLOB_UNKNOWN,
    UPLOAD_UNKNOWN,
    /** The session exists but the request cannot apply to it now (e.g. a concurrent write). */
    UPLOAD_INVALID,
    /** A chunk does not start where the session's data ends. */
    RANGE_INVALID,
    MANIFEST_UNKNOWN,
    MANIFEST_INVALID,
    MANIFEST_TOO_LARGE,
    MANIFEST_BLOB_UNKNOWN,
    REPOSITORY_UNKNOWN,
    /** A limit on open upload sessions (the user's or the registry's) is reached. */
    TOO_MANY_UPLOADS,
  }

  private final Reason reason;
  private final transient Object detail;

  public StorageException(Reason reason, String message) {
    this(reason, message, null);
  }

  public StorageException(Reason reason, String message, Object detail) {
    super(message, null, false, false);
    this.reason = reason;
    this.detail = detail;
  }

  public Reason reason() {
    return reason;
  }

  /** A small JSON-able value (string, map) for the error body's {@code detail}, or null. */
  public Object detail() {
    return detail;
  }
}
