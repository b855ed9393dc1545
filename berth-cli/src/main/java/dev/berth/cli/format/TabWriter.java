package dev.berth.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Column alignment as Go's {@code text/tabwriter} does it for docker's tables (minimum width 10,
 * padding 3, spaces): cells end at a tab; a column block is a run of lines that have a cell in
 * that column, and each block is as wide as its widest cell plus the padding. The last cell of a
 * line is not aligned, so lines carry no trailing spaces.
 */
public final class TabWriter {
  private final int minWidth;
  private final int padding;
  private final List<String[]> lines = new ArrayList<>();
  private final List<Integer> widths = new ArrayList<>();
  private final StringBuilder out = new StringBuilder();

  private TabWriter(int minWidth, int padding) {
    this.minWidth = minWidth;
    this.padding = padding;
  }

  /** docker's table settings. */
  public static String align(String text) {
    return align(text, 10, 3);
  }

  public static String align(String text, int minWidth, int padding) {
    TabWriter w = new TabWriter(minWidth, padding);
    for (String line : text.split("\n", -1)) {
      w.lines.add(line.split("\t", -1));
    }
    w.format(0, w.lines.size());
    return w.out.toString();
  }

  private static int width(String cell) {
    return cell.codePointCount(0, cell.length());
  }

  private void format(int line0, int line1) {
    int column = widths.size();
    for (int current = line0; current < line1; current++) {
      if (column >= lines.get(current).length - 1) {
        continue;
      }
      // a line with a cell in this column: print what came before, then size the block
      writeLines(line0, current);
      line0 = current;
      int width = minWidth;
      for (; current < line1; current++) {
        String[] line = lines.get(current);
        if (column >= line.length - 1) {
          break;
        }
        width = Math.max(width, width(line[column]) + padding);
      }
      widths.add(width);
      format(line0, current);
      widths.removeLast();
      line0 = current;
      current--; // the loop's increment: continue after the block
    }
    writeLines(line0, line1);
  }

  private void writeLines(int line0, int line1) {
    for (int i = line0; i < line1; i++) {
      String[] line = lines.get(i);
      for (int j = 0; j < line.length; j++) {
        out.append(line[j]);
        if (j < widths.size()) {
          out.append(" ".repeat(Math.max(0, widths.get(j) - width(line[j]))));
        }
      }
      if (i + 1 < lines.size()) {
        out.append('\n');
      }
    }
  }
}
