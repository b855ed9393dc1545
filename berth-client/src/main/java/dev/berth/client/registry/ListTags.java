package dev.berth.client.registry;

import dev.berth.client.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v2/<name>/tags/list?n=<page>} (and each {@code Link: <…>; rel="next"} after it):
 * one page of a repository's tags, and where the next page is, if anywhere (end-8a/8b).
 */
record ListTags(URI uri, String repository) implements RegistryCall<NamePage> {
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
  public NamePage handle(HttpResponse<InputStream> response) throws IOException {
    return new NamePage(strings(response, "tags", attempt()), NamePage.nextLink(response));
  }

  /** The strings of a JSON array field; null (an empty repository on some registries) is none. */
  static List<String> strings(HttpResponse<InputStream> response, String field, String attempt) throws IOException {
    byte[] body = response.body().readNBytes(16 * 1024 * 1024);
    List<String> names = new ArrayList<>();
    for (Object o : Json.array(Json.parseObject(body, "the answer to: " + attempt), field)) {
      if (o instanceof String s) {
        names.add(s);
      }
    }
    return names;
  }
}
