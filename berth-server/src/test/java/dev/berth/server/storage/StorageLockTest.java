package dev.berth.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageLockTest {
  @TempDir Path root;

  @Test
  void oneHolderAtATimeAndTheRefusalNamesTheHolder() throws Exception {
    StorageLayout layout = new StorageLayout(root.resolve("registry"));
    try (StorageLock first = StorageLock.acquire(layout, "berth serve on 127.0.0.1:5000")) {
      assertThat(Files.readString(layout.lockFile()))
          .isEqualTo("pid " + ProcessHandle.current().pid() + ": berth serve on 127.0.0.1:5000\n");
      assertThatThrownBy(() -> StorageLock.acquire(layout, "berth gc"))
          .isInstanceOf(StorageLock.BusyException.class)
          .hasMessage("storage " + layout.root() + " is in use by another process (pid "
              + ProcessHandle.current().pid() + ": berth serve on 127.0.0.1:5000)");
    }
    try (StorageLock again = StorageLock.acquire(layout, "berth gc")) {
      assertThat(Files.readString(layout.lockFile())).endsWith(": berth gc\n");
    }
  }
}
