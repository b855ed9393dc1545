package dev.berth.server.config;

/** A setting that cannot be used: the message is one line naming where it came from and why. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
