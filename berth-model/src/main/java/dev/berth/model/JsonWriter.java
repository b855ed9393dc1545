package dev.berth.model;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Compact JSON from plain Java values (maps in their iteration order, collections, strings,
 * numbers, booleans, null), byte for byte as Jackson writes them: no spaces, map members whose
 * value is null left out, short escapes for backspace, tab, newline, form feed and carriage
 * return, other control characters and each half of a surrogate pair as a six-character unicode
 * escape (upper-case hex), everything else (other non-ASCII included) as is. The byte form matters: a manifest Berth builds is named by its digest.
 * Paired with {@link JsonReader}, for the same start-up reason.
 */
public final class JsonWriter {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private JsonWriter() {}

  public static byte[] write(Object value) {
    StringBuilder b = new StringBuilder(256);
    layout(b, value, null, 0, true, JsonWriter::scalar); // as Jackson: a member without a value is left out
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Indented as docker writes its config.json ({@code json.MarshalIndent(v, "", "\t")}): a tab per
   * level, {@code "key": value}, empty objects and arrays as {@code {}} and {@code []}, no final
   * newline; unlike {@link #write}, members whose value is null are kept (a file read and written
   * back keeps every key it had). Strings are escaped as {@link #write} escapes them, but characters
   * beyond the BMP are written as they are (as docker and Jackson's text writer do); a
   * {@link java.math.BigDecimal} (what {@link JsonReader#parseExact} reads a decimal as) keeps its
   * digits and scale ({@code 1.10} stays {@code 1.10}; {@code 1e5} comes out as {@code 1E+5}, as
   * Jackson wrote it).
   */
  public static String writeIndented(Object value) {
    StringBuilder b = new StringBuilder(256);
    layout(b, value, "\t", (out, scalar) -> {
      if (scalar instanceof String text) {
        quote(out, text, true);
      } else if (scalar instanceof java.math.BigDecimal d) {
        out.append(d);
      } else {
        scalar(out, scalar);
      }
    });
    return b.toString();
  }

  /** Writes the scalars of a document: strings (keys too), numbers, booleans and null. */
  @FunctionalInterface
  public interface Scalars {
    void write(StringBuilder b, Object scalar);
  }

  /**
   * Objects and arrays laid out as Go's {@code json.Marshal} ({@code indent} null) or
   * {@code json.MarshalIndent(v, "", indent)} lay them out: members in the map's order, null
   * members kept, {@code "key": value} one per line when indented, {@code {}} and {@code []} for
   * empty ones; {@code scalars} writes everything else (how strings are escaped differs between
   * docker's Go output and the files Jackson wrote).
   */
  public static void layout(StringBuilder b, Object value, String indent, Scalars scalars) {
    layout(b, value, indent, 0, false, scalars);
  }

  private static void layout(StringBuilder b, Object value, String indent, int depth, boolean skipNulls, Scalars scalars) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        b.append("{}");
        return;
      }
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (skipNulls && e.getValue() == null) {
          continue;
        }
        if (!first) {
          b.append(',');
        }
        first = false;
        newline(b, indent, depth + 1);
        scalars.write(b, String.valueOf(e.getKey()));
        b.append(indent == null ? ":" : ": ");
        layout(b, e.getValue(), indent, depth + 1, skipNulls, scalars);
      }
      newline(b, indent, depth);
      b.append('}');
    } else if (value instanceof Collection<?> list) {
      if (list.isEmpty()) {
        b.append("[]");
        return;
      }
      b.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          b.append(',');
        }
        first = false;
        newline(b, indent, depth + 1);
        layout(b, item, indent, depth + 1, skipNulls, scalars);
      }
      newline(b, indent, depth);
      b.append(']');
    } else {
      scalars.write(b, value);
    }
  }

  private static void newline(StringBuilder b, String indent, int depth) {
    if (indent != null) {
      b.append('\n');
      for (int i = 0; i < depth; i++) {
        b.append(indent);
      }
    }
  }

  /** A scalar as Jackson writes it in a manifest (the bytes a digest names). */
  private static void scalar(StringBuilder b, Object value) {
    if (value == null) {
      b.append("null");
    } else if (value instanceof String s) {
      quote(b, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof Byte || value instanceof java.math.BigInteger) {
      b.append(value);
    } else if (value instanceof Double || value instanceof Float) {
      b.append(value);
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
    }
  }

  private static void quote(StringBuilder b, String s) {
    quote(b, s, false);
  }

  /** @param rawPairs whether a whole surrogate pair is written as it is (a lone half is escaped either way) */
  private static void quote(StringBuilder b, String s, boolean rawPairs) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (rawPairs && Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
        continue;
      }
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\t' -> b.append("\\t");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c)) { // Jackson escapes each half of a pair
            b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
