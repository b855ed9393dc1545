package dev.berth.server;

/** The registry could not start; the message is one line meant for the user. */
public final class ServerStartException extends RuntimeException {
  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
