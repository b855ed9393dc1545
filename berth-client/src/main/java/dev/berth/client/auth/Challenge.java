package dev.berth.client.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235 §4.1): a scheme, lower-cased, and
 * either auth-params (names lower-cased, quoted-string values unescaped) or a token68.
 *
 * <p>{@link #parse} reads every challenge from every header value: {@code Basic realm="a b",
 * Bearer realm="https://t/token",service="reg",scope="repository:x:pull"} is two challenges.
 */
public record Challenge(String scheme, Map<String, String> params, String token68) {

  public Challenge {
    params = Map.copyOf(params);
  }

  public String param(String name) {
    return params.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * All challenges in these header values, in order.
   *
   * @throws IllegalArgumentException naming the header value when it does not follow RFC 7235
   */
  public static List<Challenge> parse(List<String> headerValues) {
    List<Challenge> all = new ArrayList<>();
    for (String value : headerValues) {
      new Parser(value).challenges(all);
    }
    return all;
  }

  @Override
  public String toString() {
    return token68 != null ? scheme + " <token68>" : scheme + " " + params;
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    void challenges(List<Challenge> out) {
      skipSeparators();
      while (i < s.length()) {
        String scheme = token();
        if (scheme.isEmpty()) {
          throw bad("expected an authentication scheme");
        }
        Map<String, String> params = new LinkedHashMap<>();
        String token68 = null;
        skipSpaces();
        int start = i;
        String body = token68Body();
        if (!body.isEmpty()) {
          int end = i;
          while (end < s.length() && s.charAt(end) == '=') {
            end++;
          }
          int next = end;
          while (next < s.length() && (s.charAt(next) == ' ' || s.charAt(next) == '\t')) {
            next++;
          }
          if (next >= s.length() || s.charAt(next) == ',') {
            token68 = s.substring(start, end); // a lone token (with '=' padding): token68
            i = end;
          } else {
            i = start;
            params(params);
          }
        }
        out.add(new Challenge(scheme.toLowerCase(Locale.ROOT), params, token68));
        skipSeparators();
      }
    }

    // auth-param *( OWS "," OWS auth-param ), stopping before the next challenge's scheme
    private void params(Map<String, String> params) {
      while (true) {
        skipSpaces();
        int start = i;
        String name = token();
        skipSpaces();
        if (name.isEmpty() || i >= s.length() || s.charAt(i) != '=') {
          i = start; // a new scheme (or nothing): this challenge is complete
          return;
        }
        i++;
        skipSpaces();
        String value = i < s.length() && s.charAt(i) == '"' ? quoted() : bareValue();
        params.put(name.toLowerCase(Locale.ROOT), value);
        skipSpaces();
        if (i >= s.length()) {
          return;
        }
        if (s.charAt(i) != ',') {
          throw bad("expected ',' after parameter " + name);
        }
        while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
          i++;
        }
      }
    }

    private String quoted() {
      StringBuilder b = new StringBuilder();
      i++; // opening quote
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\' && i < s.length()) {
          c = s.charAt(i++);
        }
        b.append(c);
      }
      throw bad("unterminated quoted string");
    }

    // RFC 7235 wants a token here; servers send bare URLs too, so read up to the next separator
    private String bareValue() {
      int start = i;
      while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
        i++;
      }
      return s.substring(start, i);
    }

    private String token() {
      int start = i;
      while (i < s.length() && isTchar(s.charAt(i))) {
        i++;
      }
      return s.substring(start, i);
    }

    private String token68Body() {
      int start = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || "-._~+/".indexOf(s.charAt(i)) >= 0)) {
        i++;
      }
      return s.substring(start, i);
    }

    private void skipSpaces() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    private void skipSeparators() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
        i++;
      }
    }

    private static boolean isTchar(char c) {
      return c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    private IllegalArgumentException bad(String what) {
      return new IllegalArgumentException("malformed WWW-Authenticate header (" + what + " at position " + i + "): " + s);
    }
  }
}
