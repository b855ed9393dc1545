package dev.berth.client.registry;

import dev.berth.client.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<name>/tags/list?n=<page>} (and each {@code Link: <…>; rel="next"} after it):
 * one page of a repository's tags, and where the next page is, if anywhere.
 */
record ListTags(URI uri, String repository) implements RegistryCall<ListTags.Page> {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  record Page(List<String> tags, URI next) {}

  @Override
  public String attempt() {
    return "list the tags of " + repository;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public Map<String, String> headers() {
    return Map.of("Accept", "application/json");
  }

  @Override
  public Page handle(HttpResponse<InputStream> response) throws IOException {
    Map<String, Object> json = Json.parseObject(response.body().readAllBytes(), "the tag list of " + repository);
    List<String> tags = new ArrayList<>();
    for (Object t : Json.array(json, "tags")) {
      if (t instanceof String s) {
        tags.add(s);
      }
    }
    URI next = null;
    for (String link : response.headers().allValues("Link")) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        try {
          next = response.uri().resolve(m.group(1));
        } catch (IllegalArgumentException e) {
          throw new IOException("Tried to " + attempt() + " but failed because: an invalid Link: " + link);
        }
      }
    }
    return new Page(tags, next);
  }
}
