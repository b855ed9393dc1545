package dev.berth.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One entry of a registry's error body, {@code {"errors":[{"code":"...","message":"..."}]}}, as
 * the client reads it back. The code is kept as sent: a registry may use codes outside
 * {@link ErrorCode}'s table.
 */
public record RegistryError(String code, String message) {

  /** The entries of a parsed error body, in order; empty when it has none. */
  public static List<RegistryError> listedIn(Map<String, Object> body) {
    List<RegistryError> found = new ArrayList<>();
    if (body.get("errors") instanceof List<?> errors) {
      for (Object e : errors) {
        if (e instanceof Map<?, ?> entry) {
          String code = entry.get("code") instanceof String c ? c : null;
          String message = entry.get("message") instanceof String m && !m.isBlank() ? m : null;
          if (code != null || message != null) {
            found.add(new RegistryError(code, message));
          }
        }
      }
    }
    return found;
  }

  /** In docker's words: {@code unauthorized: authentication required}. */
  public String display() {
    if (code == null) {
      return message;
    }
    return message == null ? ErrorCode.display(code) : ErrorCode.display(code) + ": " + message;
  }
}
