package dev.berth.cli.format;

import dev.berth.cli.format.GoTemplate.TemplateException;
import java.util.List;
import java.util.Map;

/**
 * docker's {@code --format} handling (its formatter {@code Context}): {@code table …} prints a
 * header row and aligns columns, {@code json} prints each row as one JSON line, anything else is a
 * template run once per row. {@code \t} and {@code \n} written in the format are a tab and a newline.
 */
public final class Formatter {
  public static final String TABLE = "table";
  public static final String JSON = "json";

  private Formatter() {}

  public static boolean isTable(String format) {
    return format.startsWith(TABLE);
  }

  /**
   * For commands whose output is skopeo's indented JSON unless a template is given: whether
   * {@code format} asks for that JSON (unset, empty or {@code json}); a template is {@link #check}ed
   * now, before the command asks a registry anything.
   *
   * @throws TemplateException for a template that would not run
   */
  public static boolean indentedJsonOrChecked(String format) throws TemplateException {
    if (format == null || format.isEmpty() || format.equals(JSON)) {
      return true;
    }
    check(format);
    return false;
  }

  /**
   * Parses {@code format} without running it: a command that fetches its data from a registry
   * refuses a bad format before it asks.
   *
   * @throws TemplateException as {@link #render} would for it
   */
  public static void check(String format) throws TemplateException {
    render(format, List.of(), Map.of());
  }

  /**
   * @param headers the column title of each field, for the header row of a table
   * @throws TemplateException with docker's prefix, for the caller to print as one line
   */
  public static String render(String format, List<? extends Object> rows, Map<String, String> headers)
      throws TemplateException {
    boolean table = isTable(format);
    String template = format;
    if (table) {
      template = template.substring(TABLE.length());
    } else if (format.equals(JSON)) {
      template = "{{json .}}";
    }
    template = template.strip().replace("\\t", "\t").replace("\\n", "\n");
    GoTemplate parsed;
    try {
      parsed = GoTemplate.parse(template);
    } catch (TemplateException e) {
      throw new TemplateException("template parsing error: " + e.getMessage());
    }
    StringBuilder body = new StringBuilder();
    try {
      for (Object row : rows) {
        body.append(parsed.execute(row)).append('\n');
      }
    } catch (TemplateException e) {
      throw new TemplateException("template: " + e.getMessage());
    }
    if (!table) {
      return body.toString();
    }
    String header;
    try {
      header = parsed.execute(headers);
    } catch (TemplateException e) {
      header = "";
    }
    return TabWriter.align(header + "\n" + body);
  }
}
