package dev.berth.model;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader into plain Java values: objects as {@link LinkedHashMap} (their
 * order kept), arrays as {@link ArrayList}, strings, {@link Boolean}, null, and numbers as
 * {@link Integer} or {@link Long} when integral (else {@link BigInteger}) or {@link Double}. A
 * key given twice in one object is refused, as Jackson refuses it.
 *
 * <p>Why not Jackson here: creating any Jackson parser initialises {@code java.math.BigDecimal},
 * whose static initialiser on JDK 25 computes 5^65536 — tens of milliseconds of a client
 * command's start-up, for files (index.json, manifests, configs) that are small and simple.
 */
public final class JsonReader {
  private static final int MAX_DEPTH = 512;

  private final String text;
  private final boolean exactDecimals;
  private int pos;

  private JsonReader(String text, boolean exactDecimals) {
    this.text = text;
    this.exactDecimals = exactDecimals;
  }

  /** A malformed document: the message says what and where (character offset). */
  public static final class SyntaxException extends IOException {
    private final int line;
    private final int column;

    SyntaxException(String what, int line, int column) {
      super(what + " at line " + line + ", column " + column);
      this.line = line;
      this.column = column;
    }

    /** Where, without what: {@code at line L, column C} (what may quote the document). */
    public String position() {
      return "at line " + line + ", column " + column;
    }
  }

  public static Object parse(byte[] utf8) throws SyntaxException {
    return parse(new String(utf8, StandardCharsets.UTF_8));
  }

  public static Object parse(String text) throws SyntaxException {
    return parse(text, false);
  }

  /**
   * The same, with numbers that are not integers as {@link java.math.BigDecimal}, written back as
   * they were read ({@code 1.10} stays {@code 1.10}): for files Berth rewrites but does not own,
   * such as docker's config.json. (BigDecimal's class is then initialised only when one occurs.)
   */
  public static Object parseExact(String text) throws SyntaxException {
    return parse(text, true);
  }

  private static Object parse(String text, boolean exactDecimals) throws SyntaxException {
    JsonReader r = new JsonReader(text, exactDecimals);
    if (r.pos < text.length() && text.charAt(0) == '\uFEFF') {
      r.pos++;
    }
    r.skipSpace();
    Object value = r.value(0);
    r.skipSpace();
    if (r.pos < text.length()) {
      throw r.error("unexpected content after the JSON value");
    }
    return value;
  }

  private Object value(int depth) throws SyntaxException {
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character '" + printable(c) + "'");
      }
    };
  }

  private Map<String, Object> object(int depth) throws SyntaxException {
    checkDepth(depth);
    pos++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a member name in double quotes");
      }
      int keyAt = pos;
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (map.containsKey(key)) { // as Jackson: one document, one reading
        pos = keyAt;
        throw error("duplicate key '" + key + "'");
      }
      map.put(key, value(depth));
      skipSpace();
      char c = next("',' or '}'");
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws SyntaxException {
    checkDepth(depth);
    pos++; // [
    List<Object> list = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipSpace();
      list.add(value(depth));
      skipSpace();
      char c = next("',' or ']'");
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() throws SyntaxException {
    pos++; // opening quote
    StringBuilder b = null;
    int start = pos;
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        String s = b == null ? text.substring(start, pos) : b.append(text, start, pos).toString();
        pos++;
        return s;
      }
      if (c < 0x20) {
        throw error("unescaped control character in a string");
      }
      if (c == '\\') {
        if (b == null) {
          b = new StringBuilder();
        }
        b.append(text, start, pos);
        pos++;
        char e = next("an escape");
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("truncated \\u escape");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(text.charAt(pos + i), 16);
              if (d < 0) {
                throw error("invalid \\u escape");
              }
              code = code * 16 + d;
            }
            pos += 4;
            b.append((char) code);
          }
          default -> {
            pos--;
            throw error("invalid escape '\\" + printable(e) + "'");
          }
        }
        start = pos;
      } else {
        pos++;
      }
    }
  }

  private Object number() throws SyntaxException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw error("invalid number");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!isDigit(peek())) {
        throw error("invalid number: digits expected after '.'");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("invalid number: digits expected in the exponent");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    String n = text.substring(start, pos);
    if (!integral) {
      return exactDecimals ? new java.math.BigDecimal(n) : (Object) Double.parseDouble(n);
    }
    if (n.length() < 10) {
      return Integer.parseInt(n);
    }
    if (n.length() < 19) {
      long l = Long.parseLong(n);
      return l == (int) l ? (Object) (int) l : (Object) l;
    }
    BigInteger big = new BigInteger(n);
    return big.bitLength() < 64 ? (Object) big.longValue() : big;
  }

  private Object literal(String word, Object value) throws SyntaxException {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character '" + printable(text.charAt(pos)) + "'");
    }
    pos += word.length();
    return value;
  }

  private void checkDepth(int depth) throws SyntaxException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next(String expected) throws SyntaxException {
    if (pos >= text.length()) {
      throw error("unexpected end of input, expected " + expected);
    }
    return text.charAt(pos++);
  }

  private void expect(char c) throws SyntaxException {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private SyntaxException error(String what) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new SyntaxException(what, line, column);
  }
}
