package dev.berth.client.registry;

import dev.berth.model.ErrorCode;
import java.io.IOException;

/**
 * The registry refused: its own error code and message (from the JSON error body, else from the
 * status), and what we were trying to do. {@link #reason()} is docker's wording,
 * {@code unauthorized: authentication required}.
 */
public final class RegistryException extends IOException {
  private final ErrorCode code;
  private final int status;
  private final String detail;
  private final String attempt;
  private final java.time.Duration retryAfter;

  public RegistryException(String attempt, int status, ErrorCode code, String detail) {
    this(attempt, status, code, detail, null);
  }

  /** @param retryAfter what the registry's {@code Retry-After} asked for (a 429 or 503), or null */
  public RegistryException(String attempt, int status, ErrorCode code, String detail, java.time.Duration retryAfter) {
    super("Tried to " + attempt + " but failed because: " + code.display() + ": " + detail, null);
    this.attempt = attempt;
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }

  /** The wait the registry asked for with {@code Retry-After}, if it did. */
  public java.util.Optional<java.time.Duration> retryAfter() {
    return java.util.Optional.ofNullable(retryAfter);
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return status;
  }

  /** The registry's message without the code. */
  public String detail() {
    return detail;
  }

  public String attempt() {
    return attempt;
  }

  /** {@code unauthorized: authentication required}. */
  public String reason() {
    return code.display() + ": " + detail;
  }

  public boolean isAuthFailure() {
    return code == ErrorCode.UNAUTHORIZED || code == ErrorCode.DENIED || status == 401 || status == 403;
  }
}
