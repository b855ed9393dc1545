package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;
import java.util.Map;

/**
 * {@code GET /v2/_catalog}: repository names in lexical order, paginated; only those the caller
 * may pull are listed, so the catalog never reveals a repository a user cannot see.
 */
public final class Catalog implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    ex.blocking(() -> ex.storage().repositories().stream()
            .filter(ex.grant()::lists).toList())
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
