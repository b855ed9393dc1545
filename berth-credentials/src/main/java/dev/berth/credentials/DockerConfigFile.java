package dev.berth.credentials;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * docker's {@code config.json}, read and rewritten without losing anything Berth does not know.
 *
 * <p>The file is held as an ordered map of plain JSON values, so other registries, {@code
 * credsStore}, {@code credHelpers}, {@code proxies}, {@code HttpHeaders} and keys from future docker
 * versions are written back with the same meaning and in the same order. Floating point numbers are
 * read as {@link java.math.BigDecimal} so none is rounded.
 *
 * <p>Writes are crash-safe and serialised: {@link #update} takes an exclusive lock on a sibling
 * {@code config.json.lock} (and an in-process lock, since one JVM cannot hold two file locks on
 * the same file), re-reads the file under the lock, applies the change and replaces the file by an
 * atomic rename of a synced temporary file. Two {@code berth login}s at once therefore both land.
 * A file that cannot be parsed is never rewritten.
 */
public final class DockerConfigFile {
  public static final String FILE_NAME = "config.json";

  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private static final JSON READER = JSON.std
      .with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS)
      .with(JSON.Feature.PRESERVE_FIELD_ORDERING);
  private static final JSON WRITER = JSON.std
      .with(JSON.Feature.PRETTY_PRINT_OUTPUT)
      .with(JSON.Feature.WRITE_NULL_PROPERTIES)
      .with(dockerStyle());

  private final Path file;

  private DockerConfigFile(Path file) {
    this.file = file;
  }

  /** The config file in docker's config directory ({@code $DOCKER_CONFIG} or {@code ~/.docker}). */
  public static DockerConfigFile inDirectory(Path configDir) {
    return new DockerConfigFile(configDir.resolve(FILE_NAME).toAbsolutePath().normalize());
  }

  public Path path() {
    return file;
  }

  /** A change to the file's content; returns whether it changed anything (else nothing is written). */
  @FunctionalInterface
  public interface Edit {
    boolean apply(Map<String, Object> root) throws IOException;
  }

  /**
   * The current content: an empty map when the file is missing or empty.
   *
   * @throws ConfigFileException when the file is not a JSON object
   */
  public Map<String, Object> read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new LinkedHashMap<>();
    } catch (IOException e) {
      throw new ConfigFileException(file, describe(e));
    }
    return parse(bytes);
  }

  /**
   * Applies {@code edit} to the freshest content under an exclusive lock, and writes the result
   * atomically when the edit reports a change.
   *
   * @return whether the file was rewritten
   */
  public boolean update(Edit edit) throws IOException {
    Path target = realTarget();
    Path dir = target.getParent();
    createDirectory(dir);
    Path lockFile = dir.resolve(target.getFileName() + ".lock");
    ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, p -> new ReentrantLock());
    local.lock();
    try (FileChannel lockChannel = openLockFile(lockFile)) {
      FileLock lock = lockChannel.lock();
      try {
        Map<String, Object> root = read();
        if (!edit.apply(root)) {
          return false;
        }
        try {
          write(target, root);
        } catch (IOException e) {
          throw new IOException("cannot write " + target + ": " + describe(e), e);
        }
        return true;
      } finally {
        lock.release();
      }
    } finally {
      local.unlock();
    }
  }

  // Laid out as docker's json.MarshalIndent(…, "", "\t") lays it out, so a file written by Berth
  // reads (and diffs) like one written by docker.
  private static PrettyPrinter dockerStyle() {
    DefaultIndenter tabs = new DefaultIndenter("\t", "\n");
    Separators separators = Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator("");
    return new DefaultPrettyPrinter(separators).withObjectIndenter(tabs).withArrayIndenter(tabs);
  }

  private Map<String, Object> parse(byte[] bytes) throws ConfigFileException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new LinkedHashMap<>();
    }
    Object value;
    try (JsonParser parser = READER.getStreamingFactory().createParser(text)) {
      value = READER.anyFrom(parser);
      if (parser.nextToken() != null) {
        // docker's decoder stops after the first value; a second one means a botched edit
        JsonLocation at = parser.currentTokenLocation();
        throw new ConfigFileException(file, "invalid JSON at line " + at.getLineNr() + ", column "
            + at.getColumnNr() + ": unexpected content after the configuration object");
      }
    } catch (ConfigFileException e) {
      throw e;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 0
          ? ""
          : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ConfigFileException(file, "invalid JSON" + where);
    } catch (IOException e) {
      throw new ConfigFileException(file, "invalid JSON");
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigFileException(file, "expected a JSON object at the top level");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> root = (Map<String, Object>) map;
    return root;
  }

  // docker follows a symlinked config.json (dotfile managers) and replaces its target.
  private Path realTarget() throws IOException {
    Path target = file;
    for (int hops = 0; hops < 40 && Files.isSymbolicLink(target); hops++) {
      Path link = Files.readSymbolicLink(target);
      target = target.resolveSibling(link).normalize();
    }
    return target;
  }

  private void write(Path target, Map<String, Object> root) throws IOException {
    Set<PosixFilePermission> mode = modeFor(target);
    byte[] bytes = WRITER.asString(root).getBytes(StandardCharsets.UTF_8);
    Path dir = target.getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(FILE_MODE));
    boolean moved = false;
    try {
      Files.setPosixFilePermissions(temp, mode); // umask may have narrowed it; never widen beyond 0600
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
      }
      moved = true;
      syncDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  // 0600, or the existing file's mode when that is stricter (a user who chose 0400 keeps it).
  private static Set<PosixFilePermission> modeFor(Path target) throws IOException {
    Set<PosixFilePermission> mode = EnumSet.copyOf(FILE_MODE);
    try {
      mode.retainAll(Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      // new file: 0600
    }
    return mode;
  }

  private static void createDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      createDirectory(parent);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw new IOException("cannot create directory " + dir + ": a file is in the way", e);
      }
    }
  }

  private static FileChannel openLockFile(Path lockFile) throws IOException {
    try {
      return FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(FILE_MODE));
    } catch (FileAlreadyExistsException e) {
      return FileChannel.open(lockFile, StandardOpenOption.WRITE);
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason(); // e.g. "Read-only file system", "No space left on device"
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
