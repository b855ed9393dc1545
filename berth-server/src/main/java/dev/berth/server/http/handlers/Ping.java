package dev.berth.server.http.handlers;

import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;

/** {@code GET /v2/}: the API is here and the caller is authenticated (end-1). */
public final class Ping implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    ex.response().putHeader("Content-Type", "application/json").end("{}");
  }
}
