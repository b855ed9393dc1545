package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;
import java.util.Map;

/** {@code GET /v2/_catalog}: repository names in lexical order, paginated. */
public final class Catalog implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    ex.blocking(() -> ex.storage().repositories())
        .onSuccess(names -> {
          try {
            Pagination.sendJson(ex, Map.of("repositories", Pagination.page(ex, names, "/v2/_catalog")));
          } catch (RuntimeException e) {
            ex.fail(e);
          }
        })
        .onFailure(ex::fail);
  }
}
