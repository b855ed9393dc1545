package dev.berth.server.http;

import dev.berth.model.ErrorCode;
import java.util.Map;

/** A protocol-level refusal (bad query, bad header) raised by a handler; see {@link ErrorMapper}. */
public final class HttpError extends RuntimeException {
  private final ErrorCode code;
  private final int status;
  private final transient Object detail;
  private final transient Map<String, String> headers;

  public HttpError(ErrorCode code, String message) {
    this(code, code.httpStatus(), message, null, Map.of());
  }

  public HttpError(ErrorCode code, int status, String message, Object detail, Map<String, String> headers) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return status;
  }

  public Object detail() {
    return detail;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
