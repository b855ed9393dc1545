package dev.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PATH that holds only the programs a test names, as symlinks in a directory of its own. A peer
 * run with it cannot find anything else the machine has: the docker CLI picks
 * {@code docker-credential-pass} (or {@code -secretservice}) by itself when it finds one on PATH,
 * which would make a test's result depend on what happens to be installed.
 *
 * <pre>{@code
 * String path = ToolPath.create(dir.resolve("bin"), Map.of("docker", "docker.io")).path();
 * }</pre>
 */
public final class ToolPath {
  private final Path directory;

  private ToolPath(Path directory) {
    this.directory = directory;
  }

  /**
   * Links each program (found with {@link Peers#require}, so a missing one fails naming its
   * package) into {@code directory}.
   *
   * @param programs program name → Debian package that provides it
   */
  public static ToolPath create(Path directory, Map<String, String> programs) {
    try {
      Files.createDirectories(directory);
      for (Map.Entry<String, String> p : new LinkedHashMap<>(programs).entrySet()) {
        Path link = directory.resolve(p.getKey());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Peers.require(p.getKey(), p.getValue()).toAbsolutePath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the tool directory " + directory, e);
    }
    return new ToolPath(directory);
  }

  /** Adds one more program (a helper the test itself provides, say) as a link to {@code target}. */
  public ToolPath with(String name, Path target) {
    try {
      Path link = directory.resolve(name);
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, target.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot link " + name + " into " + directory, e);
    }
    return this;
  }

  public Path directory() {
    return directory;
  }

  /** The value for the PATH variable: this directory alone. */
  public String path() {
    return directory.toString();
  }
}
