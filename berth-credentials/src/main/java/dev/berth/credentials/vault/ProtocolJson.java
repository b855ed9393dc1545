package dev.berth.credentials.vault;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for docker's credential-helper protocol, written by hand so the helper starts
 * without a JSON library: an object of string fields in, {@code {"ServerURL","Username","Secret"}}
 * and a string map out.
 *
 * <p>Output escapes as Go's {@code encoding/json} does ({@code <}, {@code >} and {@code &} as
 * as a backslash-u escape, U+2028/2029, control characters), so what docker's own helpers print and what
 * this one prints are the same bytes.
 */
final class ProtocolJson {
  private ProtocolJson() {}

  /** {@code {"ServerURL":…,"Username":…,"Secret":…}} and a newline, as docker's helpers answer {@code get}. */
  static String credentials(String serverUrl, String username, String secret) {
    StringBuilder out = new StringBuilder(64 + serverUrl.length() + username.length() + secret.length());
    out.append("{\"ServerURL\":");
    string(out, serverUrl);
    out.append(",\"Username\":");
    string(out, username);
    out.append(",\"Secret\":");
    string(out, secret);
    out.append("}\n");
    return out.toString();
  }

  /** A JSON object of string values, keys sorted as Go sorts a map's keys (byte order), and a newline. */
  static String stringMap(List<String[]> sortedPairs) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < sortedPairs.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      string(out, sortedPairs.get(i)[0]);
      out.append(':');
      string(out, sortedPairs.get(i)[1]);
    }
    return out.append("}\n").toString();
  }

  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            hex(out, c);
          } else if (Character.isSurrogate(c)) {
            // a lone surrogate cannot be UTF-8; Go writes U+FFFD for invalid text
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              out.append(c).append(s.charAt(++i));
            } else {
              out.append("\ufffd");
            }
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void hex(StringBuilder out, char c) {
    String digits = "0123456789abcdef";
    out.append("\\u").append(digits.charAt(c >> 12 & 0xf)).append(digits.charAt(c >> 8 & 0xf))
        .append(digits.charAt(c >> 4 & 0xf)).append(digits.charAt(c & 0xf));
  }

  /**
   * The string fields of the first JSON object in {@code text} (what follows it is ignored, as Go's
   * decoder ignores it); a field of another type maps to {@code null} so the caller can name it, a
   * {@code null} field is left out. Keys as they appear.
   *
   * @throws IOException with a one-line message saying where the JSON is broken (never its content)
   */
  static Map<String, String> object(String text) throws IOException {
    Parser p = new Parser(text);
    p.space();
    p.expect('{');
    Map<String, String> fields = new LinkedHashMap<>();
    p.space();
    if (p.peek() == '}') {
      p.pos++;
      return fields;
    }
    while (true) {
      p.space();
      String key = p.string();
      p.space();
      p.expect(':');
      p.space();
      if (p.peek() == '"') {
        fields.put(key, p.string());
      } else if (p.s.startsWith("null", p.pos)) {
        p.pos += 4; // as Go: null leaves a string field empty
      } else {
        p.skipValue();
        fields.put(key, null);
      }
      p.space();
      char c = p.next();
      if (c == '}') {
        return fields;
      }
      if (c != ',') {
        throw p.error("expected ',' or '}'");
      }
    }
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    char peek() throws IOException {
      if (pos >= s.length()) {
        throw error("unexpected end of JSON input");
      }
      return s.charAt(pos);
    }

    char next() throws IOException {
      char c = peek();
      pos++;
      return c;
    }

    void expect(char c) throws IOException {
      if (next() != c) {
        pos--;
        throw error("expected '" + c + "'");
      }
    }

    void space() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\n'
          || s.charAt(pos) == '\r')) {
        pos++;
      }
    }

    String string() throws IOException {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw error("control character in string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("unexpected end of JSON input");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(s.charAt(pos++), 16);
              if (d < 0) {
                throw error("invalid \\u escape");
              }
              v = v << 4 | d;
            }
            out.append((char) v);
          }
          default -> throw error("invalid escape");
        }
      }
    }

    void skipValue() throws IOException {
      char c = peek();
      if (c == '"') {
        string();
      } else if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        pos++;
        space();
        if (peek() == close) {
          pos++;
          return;
        }
        while (true) {
          space();
          if (close == '}') {
            string();
            space();
            expect(':');
            space();
          }
          skipValue();
          space();
          char n = next();
          if (n == close) {
            return;
          }
          if (n != ',') {
            throw error("expected ',' or '" + close + "'");
          }
        }
      } else if (s.startsWith("true", pos)) {
        pos += 4;
      } else if (s.startsWith("false", pos)) {
        pos += 5;
      } else if (s.startsWith("null", pos)) {
        pos += 4;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        while (pos < s.length() && "+-.eE0123456789".indexOf(s.charAt(pos)) >= 0) {
          pos++;
        }
      } else {
        throw error("invalid character");
      }
    }

    IOException error(String what) {
      return new IOException("invalid JSON at offset " + pos + ": " + what);
    }
  }
}
