package dev.berth.cli.format;

import dev.berth.model.JsonWriter;

/**
 * JSON as Go's {@code encoding/json} writes it, which docker's {@code --format json} and
 * {@code inspect} output are: {@code <}, {@code >} and {@code &} escaped as {@code \u003c} …,
 * maps in their own (insertion) order, and {@link #indent} like {@code json.MarshalIndent}.
 * Values are maps, collections, strings, numbers, booleans and null.
 */
public final class GoJson {

  public static String compact(Object value) {
    StringBuilder b = new StringBuilder();
    JsonWriter.layout(b, value, null, GoJson::scalar);
    return b.toString();
  }

  /** Indented with {@code indent} per level ({@code "    "} for inspect, a tab for manifests). */
  public static String indent(Object value, String indent) {
    StringBuilder b = new StringBuilder();
    JsonWriter.layout(b, value, indent, GoJson::scalar);
    return b.toString();
  }

  /**
   * Go's {@code json.Indent} of a JSON text: the same tokens in the same order (numbers and
   * escapes untouched), one element per line, {@code ": "} after keys, {@code []} and {@code {}}
   * kept on one line. The text must be valid JSON.
   */
  public static String reindent(String json, String indent) {
    StringBuilder b = new StringBuilder(json.length() * 2);
    int depth = 0;
    boolean inString = false;
    boolean needIndent = false; // an opening bracket was written; the next token goes on a new line
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        b.append(c);
        if (c == '\\') {
          b.append(json.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        continue;
      }
      if (needIndent && c != ']' && c != '}') {
        needIndent = false;
        depth++;
        newline(b, indent, depth);
      }
      switch (c) {
        case '"' -> {
          inString = true;
          b.append(c);
        }
        case '{', '[' -> {
          b.append(c);
          needIndent = true;
        }
        case ',' -> {
          b.append(c);
          newline(b, indent, depth);
        }
        case ':' -> b.append(": ");
        case '}', ']' -> {
          if (needIndent) {
            needIndent = false; // an empty {} or []
          } else {
            depth--;
            newline(b, indent, depth);
          }
          b.append(c);
        }
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A scalar as Go writes it: {@code <}, {@code >} and {@code &} escaped, whole floats without a fraction. */
  private static void scalar(StringBuilder b, Object value) {
    if (value == null) {
      b.append("null");
    } else if (value instanceof String s) {
      quote(b, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof java.math.BigInteger) {
      b.append(value);
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      b.append(d == Math.rint(d) && Math.abs(d) < 1e21 ? Long.toString((long) d) : Double.toString(d));
    } else {
      quote(b, value.toString());
    }
  }

  private static void newline(StringBuilder b, String indent, int depth) {
    if (indent != null) {
      b.append('\n');
      b.append(indent.repeat(depth));
    }
  }

  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> hex(b, c);
        default -> {
          if (c < 0x20) {
            hex(b, c);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private static void hex(StringBuilder b, char c) {
    String h = Integer.toHexString(c);
    b.append("\\u").append("0".repeat(4 - h.length())).append(h);
  }

  private GoJson() {}
}
