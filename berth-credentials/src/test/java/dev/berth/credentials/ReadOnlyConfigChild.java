package dev.berth.credentials;

import java.nio.file.Path;

/**
 * Stores one login into the config.json of the directory given, as {@code berth login} does: run
 * by {@link ReadOnlyConfigTest} as a user who may not write the file itself.
 */
public final class ReadOnlyConfigChild {
  public static void main(String[] args) throws Exception {
    new FileCredentialStore(DockerConfigFile.inDirectory(Path.of(args[0]))).store(args[1], new Credentials("u", "p"));
  }

  private ReadOnlyConfigChild() {}
}
