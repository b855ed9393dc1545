package dev.berth.credentials;

import dev.berth.credentials.vault.LockedFile;
import dev.berth.model.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * docker's {@code config.json}, read and rewritten without losing anything Berth does not know.
 *
 * <p>The file is held as an ordered map of plain JSON values, so other registries, {@code
 * credsStore}, {@code credHelpers}, {@code proxies}, {@code HttpHeaders} and keys from future docker
 * versions are written back with the same meaning and in the same order. Floating point numbers are
 * read as {@link java.math.BigDecimal} so none is rounded.
 *
 * <p>Writes are crash-safe and serialised: {@link #update} locks the file itself ({@link
 * LockedFile}: no lock file is left in docker's directory), re-reads it under the lock, applies the
 * change and replaces the file by an atomic rename of a synced temporary file. Two {@code berth
 * login}s at once therefore both land. A symlinked {@code config.json} is followed and its target
 * replaced. A file that cannot be parsed is never rewritten.
 */
public final class DockerConfigFile {
  public static final String FILE_NAME = "config.json";

  private final Path file;

  private DockerConfigFile(Path file) {
    this.file = file;
  }

  /** The config file in docker's config directory ({@code $DOCKER_CONFIG} or {@code ~/.docker}). */
  public static DockerConfigFile inDirectory(Path configDir) {
    return new DockerConfigFile(configDir.resolve(FILE_NAME).toAbsolutePath().normalize());
  }

  /** Any file in docker's format (podman's {@code auth.json}, {@code REGISTRY_AUTH_FILE}). */
  public static DockerConfigFile at(Path file) {
    return new DockerConfigFile(file.toAbsolutePath().normalize());
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
      bytes = LockedFile.readShared(file);
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
    LockedFile locked;
    try {
      locked = LockedFile.lock(file);
    } catch (ConfigFileException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException("cannot lock " + file + ": " + describe(e), e);
    }
    try {
      byte[] current;
      try {
        current = locked.read();
      } catch (IOException e) {
        throw new ConfigFileException(file, describe(e));
      }
      Map<String, Object> root = parse(current);
      if (!edit.apply(root)) {
        locked.discardIfUnused();
        return false;
      }
      try {
        locked.write(JsonWriter.writeIndented(root).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException("cannot write " + locked.target() + ": " + describe(e), e);
      }
      return true;
    } finally {
      locked.release();
    }
  }

  private Map<String, Object> parse(byte[] bytes) throws ConfigFileException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new LinkedHashMap<>();
    }
    // berth-model's reader, not Jackson's: any Jackson parser initialises BigDecimal, 7 ms of a
    // login's start-up. Strict as docker's decoder: a second value after the object is refused.
    Object value;
    try {
      value = dev.berth.model.JsonReader.parseExact(text);
    } catch (dev.berth.model.JsonReader.SyntaxException e) {
      // the position only: the message could quote the file's content, secrets included
      throw new ConfigFileException(file, "invalid JSON " + e.position());
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigFileException(file, "expected a JSON object at the top level");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> root = (Map<String, Object>) map;
    return root;
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
