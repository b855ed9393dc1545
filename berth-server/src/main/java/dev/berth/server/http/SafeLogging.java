package dev.berth.server.http;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.TimeZone;
import java.util.UUID;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Makes sure that logging can never kill a server thread, even with every file descriptor taken.
 *
 * <p>What happened (issue 12): a burst of connections took every descriptor; Netty's acceptor
 * logged the failed {@code accept} (through java.util.logging, as Vert.x and Netty do by
 * default); the first log line needed the JDK's time-zone file, which could not be opened; the
 * time-zone class failed to initialise, for good, and the {@code NoClassDefFoundError} killed
 * the acceptor thread. The process lived on and never accepted again.
 *
 * <p>So, at start: everything that lazily opens a file on first use and is needed later (time
 * zones, the formatter's own classes, the secure random source behind upload ids) is loaded
 * now; and the log format is one line per record by a formatter that cannot throw. Netty itself
 * pauses accepting for a second after a failed accept, so the server then recovers by itself
 * once descriptors are free again.
 */
public final class SafeLogging {
  private SafeLogging() {}

  public static void prepare() {
    TimeZone.getDefault();
    ZoneId.systemDefault();
    UUID.randomUUID();
    new SecureRandom().nextInt();
    OneLine formatter = new OneLine();
    formatter.format(new LogRecord(Level.WARNING, "warm-up")); // loads what formatting needs
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.setFormatter(formatter);
    }
  }

  /**
   * {@code warning: <logger>: <message>: <cause>}. I/O failures (a client gone, descriptors
   * exhausted) stay one line; anything else gets its stack trace, which is what a bug report
   * needs.
   */
  static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord record) {
      try {
        Throwable cause = record.getThrown();
        if (cause instanceof IOException && String.valueOf(cause.getMessage()).contains("Too many open files")) {
          // What a failed accept logs, once a second while it lasts: say what to do about it.
          return "warning: cannot accept connections: Too many open files; they wait until some close"
              + " (lower --max-connections, or raise the descriptor limit: ulimit -n)" + System.lineSeparator();
        }
        StringBuilder line = new StringBuilder()
            .append(record.getLevel().getName().toLowerCase(java.util.Locale.ROOT)).append(": ")
            .append(record.getLoggerName()).append(": ").append(formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
          line.append(": ").append(thrown);
        }
        line.append(System.lineSeparator());
        if (thrown != null && !(thrown instanceof IOException)) {
          StringWriter trace = new StringWriter();
          thrown.printStackTrace(new PrintWriter(trace));
          line.append(trace);
        }
        return line.toString();
      } catch (Throwable t) {
        // Never let a log line fail its caller (an event loop, the acceptor).
        return "log record lost: " + t.getClass().getName() + System.lineSeparator();
      }
    }
  }
}
