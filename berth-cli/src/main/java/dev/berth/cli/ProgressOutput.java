package dev.berth.cli;

import dev.berth.cli.format.Units;
import dev.berth.client.transfer.BlobEvent;
import dev.berth.client.transfer.TransferListener;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How push, pull and copy show their progress, as docker does: on a terminal one live line per
 * layer, redrawn in place with its bytes and a bar; otherwise plain lines (each layer's outcome
 * and retries, nothing in between); with {@code --quiet} nothing.
 */
final class ProgressOutput {
  private ProgressOutput() {}

  static TransferListener forContext(CliContext context, boolean quiet) {
    TransferListener shown;
    if (quiet) {
      shown = TransferListener.SILENT;
    } else if (context.console() != null && !"dumb".equals(context.env("TERM"))) {
      shown = new Live(context.out(), columns(context));
    } else {
      shown = TransferListener.plain(context.out()::println);
    }
    // warnings on stderr, quiet or not, as docker warns
    return new Forwarding(shown, text -> true, text -> context.err().println("WARNING: " + text));
  }

  /** {@code shown}, without the lines {@code keep} refuses (blobs and warnings all pass). */
  static TransferListener filtered(TransferListener shown, Predicate<String> keep) {
    return new Forwarding(shown, keep, shown::warning);
  }

  /** Lines that {@code keep} lets through and every blob event go to {@code shown}; warnings to {@code warn}. */
  private record Forwarding(TransferListener shown, Predicate<String> keep, java.util.function.Consumer<String> warn)
      implements TransferListener {
    @Override
    public void line(String text) {
      if (keep.test(text)) {
        shown.line(text);
      }
    }

    @Override
    public void blob(BlobEvent event) {
      shown.blob(event);
    }

    @Override
    public void warning(String text) {
      warn.accept(text);
    }
  }

  private static int columns(CliContext context) {
    String c = context.env("COLUMNS");
    try {
      return c != null ? Math.max(40, Integer.parseInt(c.strip())) : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /**
   * docker's size words in a progress row ({@code units.HumanSize}: decimal units, four
   * significant digits): {@code 512B}, {@code 12.35kB}, {@code 1.074GB}.
   */
  static String size(long bytes) {
    return Units.humanSize(bytes);
  }

  /** {@code [=========>         ]} for {@code current} of {@code total}, {@code width} wide inside the brackets. */
  static String bar(long current, long total, int width) {
    int filled = total <= 0 ? 0 : (int) Math.min(width, current * width / total);
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < width; i++) {
      b.append(i < filled - 1 || (filled == width && i == width - 1) ? '=' : i == filled - 1 ? '>' : ' ');
    }
    return b.append(']').toString();
  }

  /** The live area: one line per blob, redrawn in place (ANSI cursor moves), at most ten times a second. */
  static final class Live implements TransferListener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private final PrintStream out;
    private final int columns;
    private final Map<String, BlobEvent> rows = new LinkedHashMap<>();
    private int drawn;
    private long lastDraw;

    Live(PrintStream out, int columns) {
      this.out = out;
      this.columns = columns;
    }

    /** A line of its own ends the live area: its rows stay on screen in their last state, the line goes below. */
    @Override
    public synchronized void line(String text) {
      if (!rows.isEmpty()) {
        redraw();
      }
      rows.clear();
      drawn = 0;
      out.print(text + "\n");
      out.flush();
    }

    @Override
    public synchronized void blob(BlobEvent event) {
      rows.put(event.id(), event);
      long now = System.nanoTime();
      if (event.kind() != BlobEvent.Kind.PROGRESS || now - lastDraw >= REDRAW_NANOS) {
        lastDraw = now;
        redraw();
      }
    }

    private void redraw() {
      StringBuilder b = new StringBuilder();
      if (drawn > 0) {
        b.append("\033[").append(drawn).append('A');
      }
      for (BlobEvent e : rows.values()) {
        b.append("\033[2K").append(format(e)).append('\n');
      }
      drawn = rows.size();
      out.print(b);
      out.flush();
    }

    String format(BlobEvent e) {
      String head = e.id() + ": " + e.status();
      if (e.kind() != BlobEvent.Kind.PROGRESS || e.current() <= 0 && e.total() <= 0) {
        return fit(head);
      }
      String amount = e.total() > 0 ? size(e.current()) + "/" + size(e.total()) : size(e.current());
      int room = columns - 1 - head.length() - 1 - amount.length() - 2 - 2;
      if (e.total() > 0 && room >= 10) {
        return fit(head + " " + bar(e.current(), e.total(), Math.min(50, room)) + "  " + amount);
      }
      return fit(head + "  " + amount);
    }

    private String fit(String line) {
      return line.length() < columns ? line : line.substring(0, columns - 1);
    }
  }
}
