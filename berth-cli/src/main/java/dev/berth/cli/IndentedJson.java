package dev.berth.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** JSON as docker and skopeo print it: four spaces an indent, {@code "key": value}. */
final class IndentedJson {
  private IndentedJson() {}

  static String of(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, "", out);
    return out.toString();
  }

  private static void write(Object v, String indent, StringBuilder out) {
    String inner = indent + "    ";
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      out.append("{\n");
      int n = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.append(inner).append(scalar(String.valueOf(e.getKey()))).append(": ");
        write(e.getValue(), inner, out);
        out.append(++n < m.size() ? ",\n" : "\n");
      }
      out.append(indent).append('}');
    } else if (v instanceof List<?> l && !l.isEmpty()) {
      out.append("[\n");
      for (int i = 0; i < l.size(); i++) {
        out.append(inner);
        write(l.get(i), inner, out);
        out.append(i + 1 < l.size() ? ",\n" : "\n");
      }
      out.append(indent).append(']');
    } else {
      out.append(scalar(v));
    }
  }

  private static String scalar(Object v) {
    try {
      return JSON.std.asString(v);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
