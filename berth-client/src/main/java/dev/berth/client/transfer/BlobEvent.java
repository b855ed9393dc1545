package dev.berth.client.transfer;

/**
 * One blob's state: its short id (12 hex digits, as docker shows layers), docker's words for the
 * state, and, while bytes move, how many of how many.
 *
 * @param total the blob's size, or -1 when unknown
 */
public record BlobEvent(String id, String status, Kind kind, long current, long total) {

  /** Where in its life the blob is. */
  public enum Kind {
    /** Known, not started: {@code Preparing}, {@code Pulling fs layer}, {@code Waiting}. */
    WAITING,
    /** Bytes are moving: {@code Pushing}, {@code Downloading}, {@code Verifying Checksum}. */
    PROGRESS,
    /** Will be tried again: {@code Retrying in N seconds}. */
    RETRYING,
    /** Finished: {@code Pushed}, {@code Layer already exists}, {@code Mounted from x}, {@code Pull complete}, {@code Already exists}. */
    DONE
  }

  public static BlobEvent waiting(String id, String status) {
    return new BlobEvent(id, status, Kind.WAITING, 0, -1);
  }

  public static BlobEvent progress(String id, String status, long current, long total) {
    return new BlobEvent(id, status, Kind.PROGRESS, current, total);
  }

  public static BlobEvent done(String id, String status) {
    return new BlobEvent(id, status, Kind.DONE, 0, -1);
  }
}
