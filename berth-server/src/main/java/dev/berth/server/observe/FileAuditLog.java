package dev.berth.server.observe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The audit log: one JSON object per line, appended ({@code O_APPEND}) with a single write per
 * event, so the server and an admin command writing at the same moment never interleave within
 * a line. The file is created 0600 (it names users and addresses). A write that fails is
 * reported once, never thrown at the caller: a full disk must not stop logins.
 *
 * <pre>
 * {"time":"2026-11-30T10:00:00.123Z","event":"login","outcome":"failure","user":"alice","client":"10.0.0.7","method":"password","reason":"wrong password","source":"server"}
 * {"time":"…","event":"tag.pushed","outcome":"success","user":"alice","client":"10.0.0.7","repository":"team/app","tag":"1.2","digest":"sha256:…","source":"server"}
 * {"time":"…","event":"user.added","outcome":"success","user":"bob","users_file":"/var/lib/berth/htpasswd","source":"cli","by":"root"}
 * </pre>
 */
public final class FileAuditLog implements AuditLog, AutoCloseable {
  private final Path file;
  private final String source;
  private final String by;
  private final Consumer<String> log;
  private FileChannel channel;
  private boolean reported;

  private FileAuditLog(Path file, String source, String by, Consumer<String> log) {
    this.file = file;
    this.source = source;
    this.by = by;
    this.log = log;
  }

  /**
   * @param source {@code server} or {@code cli}
   * @param by who acts, for the admin commands (the operating-system user), or null
   * @param log where a failure to write is reported (once)
   */
  public static FileAuditLog open(Path file, String source, String by, Consumer<String> log) {
    FileAuditLog audit = new FileAuditLog(file, source, by, log);
    audit.reopen();
    return audit;
  }

  public Path file() {
    return file;
  }

  /** Whether the file is open for appending (a start refuses an audit log it cannot write). */
  public synchronized boolean ready() {
    return channel != null;
  }

  @Override
  public synchronized void record(AuditEvent event) {
    StringBuilder line = new StringBuilder(256).append("{\"time\":");
    Json.string(line, Instant.now().toString());
    line.append(",\"event\":");
    Json.string(line, event.event());
    line.append(",\"outcome\":");
    Json.string(line, event.outcome());
    for (Map.Entry<String, Object> f : event.fields().entrySet()) {
      line.append(',');
      Json.string(line, f.getKey());
      line.append(':');
      Json.value(line, f.getValue());
    }
    line.append(",\"source\":");
    Json.string(line, source);
    if (by != null) {
      line.append(",\"by\":");
      Json.string(line, by);
    }
    line.append("}\n");
    write(line.toString());
  }

  private void write(String line) {
    try {
      if (channel == null) {
        throw new IOException("not open");
      }
      ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      reported = false;
    } catch (IOException e) {
      if (!reported) {
        reported = true;
        log.accept("warning: cannot write the audit log " + file + ": " + e.getMessage());
      }
    }
  }

  @Override
  public synchronized void reopen() {
    closeQuietly();
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      channel = Files.exists(file)
          ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
          : FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      channel = null;
      log.accept("warning: cannot open the audit log " + file + ": " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing was pending: every event is written whole
      }
      channel = null;
    }
  }
}
