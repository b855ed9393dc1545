package dev.berth.client.registry;

import dev.berth.client.image.Json;
import dev.berth.model.ErrorCode;
import dev.berth.model.RegistryError;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** Reads {@code {"errors":[{"code":"UNAUTHORIZED","message":"..."}]}} into a {@link RegistryException}. */
final class ErrorBodies {
  private static final int MAX_ERROR_BODY = 64 * 1024;

  static RegistryException read(String attempt, int status, InputStream body) {
    return read(attempt, status, body, null);
  }

  /** As {@link #read(String, int, InputStream)}, keeping the {@code Retry-After} these headers carry. */
  static RegistryException read(String attempt, int status, InputStream body, java.net.http.HttpHeaders headers) {
    ErrorCode code = fromStatus(status);
    String message = null;
    try {
      byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_ERROR_BODY);
      if (bytes.length > 0) {
        Map<String, Object> json = Json.parseObject(bytes, "error body");
        List<RegistryError> errors = RegistryError.listedIn(json);
        if (!errors.isEmpty()) {
          RegistryError first = errors.getFirst();
          if (first.code() != null) {
            ErrorCode parsed = ErrorCode.fromCode(first.code());
            if (parsed != ErrorCode.UNKNOWN || code == ErrorCode.UNKNOWN) {
              code = parsed;
            }
          }
          message = first.message();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a registry error body (a proxy's HTML page, say): the status speaks instead
    }
    if (message == null) {
      message = code == ErrorCode.UNKNOWN ? "HTTP status " + status : code.message();
    }
    java.time.Duration retryAfter = headers == null ? null
        : headers.firstValue("Retry-After").flatMap(RetryPolicy::parseRetryAfter).orElse(null);
    return new RegistryException(attempt, status, code, message, retryAfter);
  }

  static ErrorCode fromStatus(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.DENIED;
      case 405 -> ErrorCode.UNSUPPORTED;
      case 429 -> ErrorCode.TOOMANYREQUESTS;
      default -> ErrorCode.UNKNOWN;
    };
  }

  private ErrorBodies() {}
}
