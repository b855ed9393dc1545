package dev.berth.model.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Another process on the same file, for {@link PathLockTest}: {@code hold <file>} locks it, says
 * "locked" and keeps the lock until its standard input closes; {@code append <file> <tag> <count>}
 * appends lines one read-modify-write at a time.
 */
public final class LockingChild {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[1]);
    if (args[0].equals("hold")) {
      try (PathLock local = PathLock.take(file); LockedChannel locked = local.lockFile()) {
        System.out.println(locked == null ? "replaced" : "locked");
        System.out.flush();
        System.in.read();
      }
    } else {
      for (int i = 0; i < Integer.parseInt(args[3]); i++) {
        append(file, args[2] + "-" + i);
      }
    }
  }

  /** Adds a line the way Berth's writers change a file: under the lock, replaced by a rename. */
  static void append(Path file, String line) throws IOException {
    try (PathLock local = PathLock.take(file)) {
      for (int attempt = 0; attempt < 1000; attempt++) {
        try (LockedChannel locked = local.lockFile()) {
          if (locked == null) {
            continue; // replaced by another writer: edit the new file
          }
          String content = new String(locked.read(1 << 20, "too large"), StandardCharsets.UTF_8) + line + "\n";
          Path temp = Files.createTempFile(file.getParent(), ".append", ".tmp");
          Files.writeString(temp, content);
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
          return;
        }
      }
    }
    throw new IOException(file + " kept being replaced");
  }

  private LockingChild() {}
}
