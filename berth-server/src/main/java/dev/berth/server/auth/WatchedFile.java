package dev.berth.server.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A file the server reads once and again whenever it changes (checked at most once a second, by
 * modification time, size and inode), so that edits to users or rules apply without a restart.
 *
 * @param <T> what the file parses to
 */
public final class WatchedFile<T> {
  private static final long RECHECK_NANOS = Duration.ofSeconds(1).toNanos();

  /** What an edit that does not parse leaves in force. */
  public enum OnInvalid {
    /** The last good content (rules: a typo must not lock everyone out). */
    KEEP_LAST,
    /** Nothing, until fixed (users: a half-edited file must not keep removed users alive). */
    NOTHING
  }

  private final Path file;
  private final Function<Path, T> parser;
  private final OnInvalid onInvalid;
  private final Consumer<String> log;
  private final String what;
  private final LongSupplier nanoClock;
  private volatile T current;
  private volatile Object stamp;
  private volatile long checkedAt;
  private volatile Runnable onChange = () -> { };

  /**
   * Reads the file now; a file that does not parse fails here with the parser's message.
   *
   * @param what how log lines name the file ("users file", "rules file")
   */
  public WatchedFile(Path file, Function<Path, T> parser, OnInvalid onInvalid, String what, Consumer<String> log) {
    this(file, parser, onInvalid, what, log, System::nanoTime);
  }

  WatchedFile(Path file, Function<Path, T> parser, OnInvalid onInvalid, String what, Consumer<String> log,
      LongSupplier nanoClock) {
    this.file = file;
    this.parser = parser;
    this.onInvalid = onInvalid;
    this.what = what;
    this.log = log;
    this.nanoClock = nanoClock;
    this.stamp = stamp(file);
    this.current = parser.apply(file);
    this.checkedAt = nanoClock.getAsLong();
  }

  /** Called (once per reload, on the thread that noticed) after the content changed. */
  public void onChange(Runnable listener) {
    this.onChange = listener;
  }

  public Path file() {
    return file;
  }

  /** The content in force: re-read first if the file changed; null while it is invalid (NOTHING). */
  public T current() {
    long now = nanoClock.getAsLong();
    if (now - checkedAt < RECHECK_NANOS) {
      return current;
    }
    checkedAt = now;
    reloadIfChanged();
    return current;
  }

  /** Re-reads the file now if it changed (SIGHUP, tests). */
  public void reloadIfChanged() {
    Object s = stamp(file);
    if (s.equals(stamp)) {
      return;
    }
    synchronized (this) {
      if (s.equals(stamp)) {
        return;
      }
      try {
        current = parser.apply(file);
        log.accept(what + " " + file + " changed: reloaded");
      } catch (RuntimeException e) {
        if (onInvalid == OnInvalid.NOTHING) {
          current = null;
          log.accept("warning: " + what + " " + file + " is invalid, refusing all logins until it is fixed: " + e.getMessage());
        } else {
          log.accept("warning: " + what + " " + file + " is invalid, keeping the previous version: " + e.getMessage());
        }
      }
      stamp = s;
    }
    onChange.run();
  }

  private static Object stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return Arrays.asList(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (IOException e) {
      return "missing";
    }
  }
}
