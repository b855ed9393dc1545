package dev.berth.server.auth;

import dev.berth.model.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The refusals every access controller sends, worded once. */
final class Refusals {
  private Refusals() {}

  /** 401 with the controller's own {@code WWW-Authenticate}; the detail lists what was needed. */
  static Decision.Challenge unauthorized(AccessRequest request, String wwwAuthenticate) {
    return new Decision.Challenge(ErrorCode.UNAUTHORIZED, ErrorCode.UNAUTHORIZED.message(),
        Map.of("WWW-Authenticate", wwwAuthenticate), detail(request));
  }

  /** 403: who the caller is is known, and the rules do not let them do this. */
  static Decision.Challenge denied(AccessRequest request) {
    return new Decision.Challenge(ErrorCode.DENIED, ErrorCode.DENIED.message(), Map.of(), detail(request));
  }

  static Decision.Challenge throttled(Duration wait) {
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return new Decision.Challenge(ErrorCode.TOOMANYREQUESTS,
        "too many failed logins, try again in " + seconds + " s", Map.of("Retry-After", Long.toString(seconds)), null);
  }

  static Decision.Challenge busy() {
    return new Decision.Challenge(ErrorCode.TOOMANYREQUESTS, "too many logins at once, try again in a moment",
        Map.of("Retry-After", "1"), null);
  }

  private static Object detail(AccessRequest request) {
    List<Map<String, String>> detail = new ArrayList<>();
    for (Scope scope : request.required()) {
      for (Action action : scope.actions()) {
        detail.add(Map.of("Type", scope.type(), "Name", scope.name(), "Action", action.scopeName()));
      }
    }
    return detail.isEmpty() ? null : detail;
  }

}
