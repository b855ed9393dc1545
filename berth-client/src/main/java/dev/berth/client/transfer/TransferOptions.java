package dev.berth.client.transfer;

import dev.berth.client.image.Platform;
import java.util.Objects;

/**
 * How push, pull and copy run: how many blobs move at once (docker's default, 5), and which
 * platforms of a multi-platform image they take: one ({@code platform}, by default this
 * machine's) or all of them.
 */
public record TransferOptions(int concurrency, Platform platform, boolean allPlatforms) {
  public static final int DEFAULT_CONCURRENCY = 5;
  public static final int MAX_CONCURRENCY = 64;

  public TransferOptions {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException("invalid concurrency: " + concurrency + " (expected 1 to " + MAX_CONCURRENCY + ")");
    }
    Objects.requireNonNull(platform);
  }

  public static TransferOptions defaults() {
    return new TransferOptions(DEFAULT_CONCURRENCY, Platform.current(), false);
  }

  public TransferOptions withConcurrency(int n) {
    return new TransferOptions(n, platform, allPlatforms);
  }

  public TransferOptions withPlatform(Platform p) {
    return new TransferOptions(concurrency, p, allPlatforms);
  }

  public TransferOptions withAllPlatforms(boolean all) {
    return new TransferOptions(concurrency, platform, all);
  }
}
