package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /v2/<name>/tags/list} (end-8a/8b): tags in lexical order, paginated. */
public final class ListTags implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    ex.blocking(() -> ex.storage().manifests().tags(repository))
        .onSuccess(tags -> {
          try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", repository);
            body.put("tags", Pagination.page(ex, tags, "/v2/" + repository + "/tags/list"));
            Pagination.sendJson(ex, body);
          } catch (RuntimeException e) {
            ex.fail(e);
          }
        })
        .onFailure(ex::fail);
  }
}
