package dev.berth.server.http.handlers;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.model.ErrorCode;
import dev.berth.server.http.Exchange;
import dev.berth.server.http.HttpError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code n} / {@code last} pagination of a sorted list, with a {@code Link} header to the next
 * page. {@code n} is checked against a ceiling before anything is done with it: a request for a
 * billion entries is refused (400), never allocated.
 */
final class Pagination {
  static final int MAX_N = 10_000;

  private Pagination() {}

  static List<String> page(Exchange ex, List<String> sorted, String path) {
    String nParam = ex.request().getParam("n");
    String last = ex.request().getParam("last");
    int n = MAX_N;
    boolean limited = nParam != null;
    if (limited) {
      try {
        n = Integer.parseInt(nParam);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0 || n > MAX_N) {
        throw new HttpError(ErrorCode.PAGINATION_NUMBER_INVALID,
            "n must be between 0 and " + MAX_N + ", not " + nParam);
      }
    }
    int from = 0;
    if (last != null) {
      while (from < sorted.size() && sorted.get(from).compareTo(last) <= 0) {
        from++;
      }
    }
    int to = Math.min(sorted.size(), from + n);
    List<String> page = sorted.subList(from, to);
    if (to < sorted.size() && !page.isEmpty()) {
      ex.response().putHeader("Link", "<" + path + "?n=" + n + "&last="
          + URLEncoder.encode(page.getLast(), StandardCharsets.UTF_8) + ">; rel=\"next\"");
    }
    return page;
  }

  static void sendJson(Exchange ex, Map<String, Object> body) {
    try {
      ex.response().putHeader("Content-Type", "application/json").end(JSON.std.asString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
