package dev.berth.client.tls;

import java.io.IOException;

/** A certificate or key in a certs.d directory cannot be used; the message names the file. */
public final class TlsSetupException extends IOException {
  public TlsSetupException(String message) {
    super(message);
  }
}
