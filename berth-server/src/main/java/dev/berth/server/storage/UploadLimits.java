package dev.berth.server.storage;

/**
 * How many upload sessions may be open at once: per user, and on the whole registry. A session
 * is open from its POST until it is completed, cancelled or purged.
 */
public record UploadLimits(int perUser, int total) {
  public static final UploadLimits DEFAULTS = new UploadLimits(100, 10_000);

  public UploadLimits {
    if (perUser < 1 || total < 1) {
      throw new IllegalArgumentException("upload session limits must be positive: " + perUser + " per user, "
          + total + " in total");
    }
  }
}
