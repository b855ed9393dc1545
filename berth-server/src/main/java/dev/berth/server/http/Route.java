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

  Matcher match(String path) {
    Matcher m = pattern.matcher(path);
    return m.matches() ? m : null;
  }
}
