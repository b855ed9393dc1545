package dev.berth.credentials;

import java.nio.file.Path;

/** A separate process that logs in many times, to race other processes on one config file. */
public final class ConcurrentWriterMain {
  public static void main(String[] args) throws Exception {
    FileCredentialStore store = new FileCredentialStore(DockerConfigFile.inDirectory(Path.of(args[0])));
    int count = Integer.parseInt(args[2]);
    for (int i = 0; i < count; i++) {
      store.store(args[1] + "-" + i + ":5000", new Credentials(args[1], "pw" + i));
    }
  }

  private ConcurrentWriterMain() {}
}
