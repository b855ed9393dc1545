package dev.berth.client.auth;

import dev.berth.client.image.Json;
import dev.berth.model.RegistryError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a registry or token server said, as one line in docker's words: the distribution error
 * body {@code {"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}} reads
 * {@code unauthorized: authentication required}; OAuth-style ({@code error_description}) and Docker
 * Hub's ({@code details}) bodies are read too; otherwise the HTTP status.
 */
final class ErrorText {
  private static final int MAX = 300;

  private ErrorText() {}

  static String of(int status, byte[] body) {
    String said = fromBody(body);
    return said != null ? said : "HTTP " + status + statusName(status);
  }

  private static String fromBody(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    Map<String, Object> json;
    try {
      json = Json.parseObject(body, "error body");
    } catch (IOException | RuntimeException e) {
      return null; // not JSON, or not an object: the status says it
    }
    List<String> parts = new ArrayList<>();
    for (RegistryError error : RegistryError.listedIn(json)) {
      parts.add(error.display());
    }
    if (parts.isEmpty() && json.get("details") instanceof String details) {
      parts.add(details);
    }
    if (parts.isEmpty() && json.get("error") instanceof String error) {
      parts.add(json.get("error_description") instanceof String d ? error + ": " + d : error);
    }
    if (parts.isEmpty()) {
      return null;
    }
    String text = String.join("; ", parts).replaceAll("[\\r\\n]+", " ");
    return text.length() > MAX ? text.substring(0, MAX) + "…" : text;
  }

  private static String statusName(int status) {
    return switch (status) {
      case 400 -> " Bad Request";
      case 401 -> " Unauthorized";
      case 403 -> " Forbidden";
      case 404 -> " Not Found";
      case 429 -> " Too Many Requests";
      case 500 -> " Internal Server Error";
      case 502 -> " Bad Gateway";
      case 503 -> " Service Unavailable";
      default -> "";
    };
  }
}
