package dev.berth.client.store;

import java.io.IOException;

/** A store operation the user asked for cannot be done (no such image, ambiguous id, ...). */
public class StoreException extends IOException {
  public StoreException(String message) {
    super(message);
  }
}
