package dev.berth.client.http;

import java.io.IOException;

/** The connection broke while a response body was being read: worth resuming or trying again. */
public final class BrokenConnectionException extends IOException {
  public BrokenConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
