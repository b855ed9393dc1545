package dev.berth.server.http.handlers;

import dev.berth.model.ErrorCode;
import dev.berth.server.http.Exchange;
import dev.berth.server.http.HttpError;
import dev.berth.server.http.RegistryHandler;

/** A route switched off by configuration (deletion with {@code --no-delete}): 405 UNSUPPORTED. */
public final class Unsupported implements RegistryHandler {
  private final String why;

  public Unsupported(String why) {
    this.why = why;
  }

  @Override
  public void handle(Exchange ex) {
    throw new HttpError(ErrorCode.UNSUPPORTED, why);
  }
}
