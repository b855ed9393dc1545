package dev.berth.conformance;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One registry answer, read whole (the checks use small blobs). */
record Response(String method, String uri, int status, HttpHeaders headers, byte[] body) {

  Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  Map<String, Object> json() {
    try {
      return JSON.std.mapFrom(body);
    } catch (IOException e) {
      throw new AssertionError(this + " has no JSON body", e);
    }
  }

  /** The {@code code}s of an OCI error body; empty when the body is not one. */
  List<String> errorCodes() {
    try {
      Object errors = JSON.std.mapFrom(body).get("errors");
      if (errors instanceof List<?> list) {
        return list.stream().filter(Map.class::isInstance)
            .map(e -> String.valueOf(((Map<?, ?>) e).get("code"))).toList();
      }
    } catch (IOException | RuntimeException notJson) {
      // Fall through: not an error body.
    }
    return List.of();
  }

  @Override
  public String toString() {
    String shown = body.length > 300 ? new String(body, 0, 300, StandardCharsets.UTF_8) + "..." : text();
    return method + " " + uri + " -> " + status + " " + headers.map() + " " + shown;
  }
}
