package dev.berth.server.auth;

import dev.berth.model.ErrorCode;
import java.util.Map;
import java.util.function.BiConsumer;

/** An access controller's answer: a {@link Grant} or a {@link Challenge}. */
public sealed interface Decision {

  /**
   * Access granted to {@code subject}. Handlers ask it about optional scopes (may this caller pull
   * the mount source?), never about credentials.
   */
  non-sealed interface Grant extends Decision {
    String subject();

    boolean allows(String repository, Action action);
  }

  /**
   * Access refused: the error to send and the headers that tell the client how to authenticate
   * (the controller writes its own {@code WWW-Authenticate}); {@code detail} lists the scopes
   * that were needed, as distribution reports them (null when only authentication was).
   */
  record Challenge(ErrorCode code, String message, Map<String, String> headers, Object detail)
      implements Decision {
    public void writeHeaders(BiConsumer<String, String> sink) {
      headers.forEach(sink);
    }
  }
}
