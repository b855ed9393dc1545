package dev.berth.client.archive;

import dev.berth.client.store.StoreException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Files of an image archive by their path inside it: a tar read with random access (so a
 * manifest.json at the end need not be found before the layers), or a directory. Paths are only
 * looked up, never used to create files, so {@code ../} in an archive cannot escape anywhere.
 *
 * <p>Links never reach outside what is being loaded. In a tar, a symbolic link is followed once,
 * by name, to a regular member of the same tar (docker's own legacy {@code docker save} links a
 * repeated layer to its first copy; skopeo reads them the same way); a link that leaves the tar,
 * names nothing, or names another link, and every hard link, is refused. In a directory, a path
 * whose real location is outside the directory is refused.
 */
interface Source extends Closeable {
  /** Whether the archive has an entry (a file, or a link to check on {@link #open}) at this path. */
  boolean exists(String path);

  /** The file's content; a link is resolved or refused here. */
  InputStream open(String path) throws IOException;

  /** The size of what {@link #open} would read, or a refusal as {@link #open} would give. */
  long size(String path) throws IOException;

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

  /**
   * {@code base}'s directory joined with a relative {@code target}, {@code .} and {@code ..}
   * resolved; null when it climbs above the root or is absolute.
   */
  static String join(String base, String target) {
    if (target.startsWith("/")) {
      return null;
    }
    Deque<String> parts = new ArrayDeque<>();
    int slash = base.lastIndexOf('/');
    String dir = slash < 0 ? "" : base.substring(0, slash);
    for (String part : (dir + "/" + target).split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
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
        if (!e.isDirectory()) {
          entries.put(normalise(e.getName()), e); // as tar extracts: a later member replaces an earlier one
        }
      }
    }

    @Override
    public boolean exists(String path) {
      return entries.containsKey(normalise(path));
    }

    /** The regular member a path stands for, following one symbolic link inside the tar. */
    private TarArchiveEntry member(String path) throws IOException {
      String p = normalise(path);
      TarArchiveEntry e = entries.get(p);
      if (e == null) {
        throw new IOException(name + " has no file " + path);
      }
      if (e.isSymbolicLink()) {
        String target = join(p, e.getLinkName());
        if (target == null) {
          throw refused(p, "is a symbolic link to " + e.getLinkName() + ", outside the archive");
        }
        TarArchiveEntry t = entries.get(target);
        if (t == null) {
          throw refused(p, "is a symbolic link to " + e.getLinkName() + ", which is not in the archive");
        }
        if (!regular(t)) {
          throw refused(p, "is a symbolic link to " + e.getLinkName() + ", which is not a regular file");
        }
        return t;
      }
      if (e.isLink()) {
        throw refused(p, "is a hard link (to " + e.getLinkName() + "); only regular files are loaded");
      }
      if (!regular(e)) {
        throw refused(p, "is not a regular file");
      }
      return e;
    }

    private static boolean regular(TarArchiveEntry e) {
      return e.isFile() && !e.isSymbolicLink() && !e.isLink() && !e.isCharacterDevice() && !e.isBlockDevice()
          && !e.isFIFO();
    }

    private StoreException refused(String path, String why) {
      return new StoreException("cannot load " + name + ": " + path + " " + why);
    }

    @Override
    public InputStream open(String path) throws IOException {
      return tar.getInputStream(member(path));
    }

    @Override
    public long size(String path) throws IOException {
      return member(path).getSize();
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

  /** An OCI layout directory; nothing is read from outside it, whatever its links say. */
  final class Directory implements Source {
    private final Path root;

    Directory(Path root) {
      this.root = root;
    }

    @Override
    public boolean exists(String path) {
      Path file = root.resolve(normalise(path)).normalize();
      return file.startsWith(root.normalize()) && Files.exists(file, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** The real file a path stands for: inside the layout (links included) and regular. */
    private Path file(String path) throws IOException {
      Path file = root.resolve(normalise(path)).normalize();
      if (!file.startsWith(root.normalize())) {
        throw new IOException(root + " has no file " + path);
      }
      Path real;
      try {
        real = file.toRealPath();
      } catch (NoSuchFileException e) {
        throw new StoreException("cannot load " + root + ": " + normalise(path) + " is missing or a dangling link");
      }
      if (!real.startsWith(root.toRealPath())) {
        throw new StoreException("cannot load " + root + ": " + normalise(path) + " links to " + real
            + ", outside the layout");
      }
      if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new StoreException("cannot load " + root + ": " + normalise(path) + " is not a regular file");
      }
      return real;
    }

    @Override
    public InputStream open(String path) throws IOException {
      // the real path, opened without following a link swapped in since it was checked
      return Files.newInputStream(file(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public long size(String path) throws IOException {
      return Files.size(file(path));
    }

    @Override
    public String describe() {
      return root.toString();
    }

    @Override
    public void close() {}
  }
}
