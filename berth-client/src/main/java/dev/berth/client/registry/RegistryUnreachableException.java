package dev.berth.client.registry;

import java.io.IOException;

/** The registry could not be reached at all: unknown host, refused connection, TLS failure. */
public final class RegistryUnreachableException extends IOException {
  public RegistryUnreachableException(String message) {
    super(message);
  }
}
