package dev.berth.client.registry;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * One page of names (repositories or tags) and the next page's URI from the {@code Link} header
 * ({@code </v2/_catalog?last=x&n=100>; rel="next"}), or null on the last page.
 */
public record NamePage(List<String> names, URI next) {

  static URI nextLink(HttpResponse<?> response) {
    for (String link : response.headers().allValues("Link")) {
      int open = link.indexOf('<');
      int close = link.indexOf('>', open + 1);
      if (open >= 0 && close > open && link.substring(close).replace(" ", "").contains("rel=\"next\"")) {
        try {
          return response.uri().resolve(link.substring(open + 1, close));
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }
}
