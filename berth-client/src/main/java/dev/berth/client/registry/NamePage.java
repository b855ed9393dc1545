package dev.berth.client.registry;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page of names (repositories or tags) and the next page's URI from the {@code Link} header
 * ({@code </v2/_catalog?last=x&n=100>; rel="next"}, quotes optional), or null on the last page.
 */
public record NamePage(List<String> names, URI next) {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  static URI nextLink(HttpResponse<?> response) {
    for (String link : response.headers().allValues("Link")) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        try {
          return response.uri().resolve(m.group(1));
        } catch (IllegalArgumentException e) {
          return null; // a link we cannot follow ends the listing, as the last page would
        }
      }
    }
    return null;
  }
}
