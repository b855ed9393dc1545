package dev.berth.client.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Files of an image archive by their path inside it: a tar read with random access (so a
 * manifest.json at the end need not be found before the layers), or a directory. Paths are only
 * looked up, never used to create files, so {@code ../} in an archive cannot escape anywhere.
 */
interface Source extends Closeable {
  boolean exists(String path);

  InputStream open(String path) throws IOException;

  String describe();

  static String normalise(String path) {
    String p = path;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p;
  }

  /** A tar file; entries are indexed once, then streamed one at a time. */
  final class Tar implements Source {
    private final TarFile tar;
    private final Map<String, TarArchiveEntry> entries = new HashMap<>();
    private final String name;

    Tar(Path file, String name) throws IOException {
      this.name = name;
      try {
        this.tar = new TarFile(file);
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException(name + " is not a readable tar archive: " + e.getMessage());
      }
      for (TarArchiveEntry e : tar.getEntries()) {
        if (e.isFile()) {
          entries.put(normalise(e.getName()), e);
        }
      }
    }

    @Override
    public boolean exists(String path) {
      return entries.containsKey(normalise(path));
    }

    @Override
    public InputStream open(String path) throws IOException {
      TarArchiveEntry e = entries.get(normalise(path));
      if (e == null) {
        throw new IOException(name + " has no file " + path);
      }
      return tar.getInputStream(e);
    }

    @Override
    public String describe() {
      return name;
    }

    @Override
    public void close() throws IOException {
      tar.close();
    }
  }

  /** An OCI layout directory. */
  final class Directory implements Source {
    private final Path root;

    Directory(Path root) {
      this.root = root;
    }

    @Override
    public boolean exists(String path) {
      return Files.isRegularFile(root.resolve(normalise(path)));
    }

    @Override
    public InputStream open(String path) throws IOException {
      Path file = root.resolve(normalise(path)).normalize();
      if (!file.startsWith(root.normalize()) || !Files.isRegularFile(file)) {
        throw new IOException(root + " has no file " + path);
      }
      return Files.newInputStream(file);
    }

    @Override
    public String describe() {
      return root.toString();
    }

    @Override
    public void close() {}
  }
}
