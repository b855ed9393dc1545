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
    /** The user, or null for a client without credentials. */
    String subject();

    boolean allows(String repository, Action action);

    /** May list the catalog ({@code registry:catalog:*}); it shows only what the caller may pull. */
    boolean allowsCatalog();

    /**
     * Whether the catalog shows {@code repository} to this caller: the repositories its user may
     * pull, whatever a bearer token's own access names (that is the catalog scope, not theirs).
     */
    default boolean lists(String repository) {
      return allows(repository, Action.PULL);
    }
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
