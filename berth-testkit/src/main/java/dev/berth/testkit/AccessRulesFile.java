package dev.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Access rules files for {@code berth serve --rules}. */
public final class AccessRulesFile {
  private AccessRulesFile() {}

  /** Every authenticated user may pull, push and delete everything (the API tests need delete). */
  public static Path permissive(Path file) {
    return write(file, """
        rules:
          - repositories: ["**"]
            users: ["*"]
            actions: [pull, push, delete]
        """);
  }

  public static Path write(Path file, String yaml) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write rules file " + file, e);
    }
  }
}
