package dev.berth.credentials;

import java.io.IOException;
import java.nio.file.Path;

/**
 * docker's config file cannot be used as it is. The message is one line naming the file and the
 * problem, never the file's content (it holds secrets).
 */
public final class ConfigFileException extends IOException {
  private final Path file;

  ConfigFileException(Path file, String problem) {
    super("cannot read " + file + ": " + problem);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
