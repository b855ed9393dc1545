package dev.berth.server.http;

import io.vertx.core.http.HttpMethod;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route as data: methods, a path pattern and the handler. Repository names contain slashes, so
 * {@code <name>} matches greedily up to the fixed suffix of each route and is validated after.
 *
 * @param catalog whether the route needs the registry-wide catalog scope
 */
record Route(Set<HttpMethod> methods, Pattern pattern, RegistryHandler handler, boolean catalog) {
  static final String NAME = "/v2/(?<name>.+)";

  static Route of(HttpMethod method, String regex, RegistryHandler handler) {
    return new Route(Set.of(method), Pattern.compile(regex), handler, false);
  }

  static Route of(Set<HttpMethod> methods, String regex, RegistryHandler handler) {
    return new Route(methods, Pattern.compile(regex), handler, false);
  }

  /**
   * A literal every matching path contains ({@code /blobs/}, {@code /manifests/}, ...), or null:
   * a cheap {@code contains} spares the regex (with its backtracking over the name) on most routes.
   */
  String literal() {
    String regex = pattern.pattern();
    if (!regex.startsWith(NAME)) {
      return null;
    }
    int end = regex.indexOf('(', NAME.length());
    String fixed = end < 0 ? regex.substring(NAME.length()) : regex.substring(NAME.length(), end);
    fixed = fixed.endsWith("?") ? fixed.substring(0, fixed.length() - 2) : fixed;
    return fixed.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '/' || c == '_') && !fixed.isEmpty()
        ? fixed : null;
  }

  /** An upload session's route ({@code …/blobs/uploads/<uuid>}): cancelling one is pushing, not deleting. */
  boolean uploadSession() {
    return pattern.pattern().contains("/blobs/uploads/(?<uuid>");
  }

  Matcher match(String path) {
    Matcher m = pattern.matcher(path);
    return m.matches() ? m : null;
  }
}
