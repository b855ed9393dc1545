package dev.berth.client.http;

import java.io.IOException;

/**
 * A response body broke one of the limits {@link BoundedBody} enforces: it was larger than allowed,
 * it stalled, or it did not finish in time. The message is one line naming the server that sent it
 * (and what was being attempted, when the caller said).
 */
public final class BodyLimitException extends IOException {
  /** Which limit: size, stall (no byte for a while), or the deadline of a response read into memory. */
  public enum Kind { TOO_LARGE, STALLED, TOO_SLOW }

  private final Kind kind;

  public BodyLimitException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
