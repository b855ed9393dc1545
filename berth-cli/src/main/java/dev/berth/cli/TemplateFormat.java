package dev.berth.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The part of Go's text/template that {@code --format} users write for docker and skopeo:
 * literal text with actions {@code {{.Field.Sub}}}, {@code {{.}}}, {@code {{json .X}}},
 * {@code {{index .Labels "key"}}}, {@code {{join .X ", "}}} and {@code {{range .X}}…{{end}}}.
 * Values print as Go prints them ({@code [a b]} for a list, {@code map[k:v]} for a map,
 * {@code <no value>} for a missing field). A template it cannot read is a one-line error naming it.
 */
final class TemplateFormat {
  private final String template;
  private final List<Node> nodes;

  private TemplateFormat(String template, List<Node> nodes) {
    this.template = template;
    this.nodes = nodes;
  }

  /** @throws UserError naming the template and what is wrong with it */
  static TemplateFormat parse(String template) {
    Parser p = new Parser(template);
    List<Node> nodes = p.nodes(false);
    return new TemplateFormat(template, nodes);
  }

  String render(Object data) {
    StringBuilder out = new StringBuilder();
    for (Node n : nodes) {
      n.render(data, out);
    }
    return out.toString();
  }

  private sealed interface Node permits Text, Action, Range {
    void render(Object dot, StringBuilder out);
  }

  private record Text(String text) implements Node {
    @Override
    public void render(Object dot, StringBuilder out) {
      out.append(text);
    }
  }

  /** A function ({@code json}, {@code index}, {@code join}, or none) applied to arguments. */
  private record Action(String function, List<Object> args) implements Node {
    @Override
    public void render(Object dot, StringBuilder out) {
      out.append(print(value(dot)));
    }

    Object value(Object dot) {
      List<Object> values = new ArrayList<>();
      for (Object a : args) {
        values.add(a instanceof Path p ? p.resolve(dot) : a);
      }
      return switch (function) {
        case "" -> values.getFirst();
        case "json" -> new Raw(json(values.getFirst()));
        case "index" -> values.get(0) instanceof Map<?, ?> m ? m.get(String.valueOf(values.get(1)))
            : values.get(0) instanceof List<?> l && values.get(1) instanceof Long i && i < l.size() ? l.get(i.intValue()) : null;
        case "join" -> {
          StringJoiner j = new StringJoiner(String.valueOf(values.get(1)));
          if (values.get(0) instanceof List<?> l) {
            l.forEach(e -> j.add(print(e)));
          }
          yield new Raw(j.toString());
        }
        default -> throw new IllegalStateException(function);
      };
    }
  }

  private record Range(Path over, List<Node> body) implements Node {
    @Override
    public void render(Object dot, StringBuilder out) {
      Object v = over.resolve(dot);
      Iterable<?> items = v instanceof List<?> l ? l : v instanceof Map<?, ?> m ? m.values() : List.of();
      for (Object item : items) {
        for (Node n : body) {
          n.render(item, out);
        }
      }
    }
  }

  /** {@code .} or {@code .A.B}. */
  private record Path(List<String> fields) {
    Object resolve(Object dot) {
      Object v = dot;
      for (String f : fields) {
        if (!(v instanceof Map<?, ?> m) || !m.containsKey(f)) {
          return Missing.VALUE;
        }
        v = m.get(f);
      }
      return v;
    }
  }

  private enum Missing { VALUE }

  /** Text already formatted (json, join): printed as it is. */
  private record Raw(String text) {}

  private static String json(Object v) {
    try {
      return JSON.std.asString(v == Missing.VALUE ? null : v);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Go's %v. */
  static String print(Object v) {
    if (v == Missing.VALUE) {
      return "<no value>";
    }
    if (v == null) {
      return "<nil>";
    }
    if (v instanceof Raw r) {
      return r.text();
    }
    if (v instanceof List<?> l) {
      StringJoiner j = new StringJoiner(" ", "[", "]");
      l.forEach(e -> j.add(print(e)));
      return j.toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringJoiner j = new StringJoiner(" ", "map[", "]");
      new java.util.TreeMap<>(m).forEach((k, e) -> j.add(k + ":" + print(e)));
      return j.toString();
    }
    return String.valueOf(v);
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    List<Node> nodes(boolean inRange) {
      List<Node> out = new ArrayList<>();
      while (i < s.length()) {
        int open = s.indexOf("{{", i);
        if (open < 0) {
          out.add(new Text(s.substring(i)));
          i = s.length();
          break;
        }
        if (open > i) {
          out.add(new Text(s.substring(i, open)));
        }
        int close = s.indexOf("}}", open);
        if (close < 0) {
          throw bad("unclosed action");
        }
        String action = s.substring(open + 2, close).strip();
        i = close + 2;
        List<String> words = words(action);
        if (words.isEmpty()) {
          throw bad("empty action");
        }
        switch (words.getFirst()) {
          case "end" -> {
            if (!inRange) {
              throw bad("unexpected {{end}}");
            }
            return out;
          }
          case "range" -> {
            if (words.size() != 2) {
              throw bad("range needs one field: {{range .Field}}");
            }
            out.add(new Range(path(words.get(1)), nodes(true)));
          }
          case "json" -> out.add(new Action("json", args(words, 1)));
          case "index" -> out.add(new Action("index", args(words, 2)));
          case "join" -> out.add(new Action("join", args(words, 2)));
          default -> {
            if (words.size() != 1 || !words.getFirst().startsWith(".")) {
              throw bad("unsupported action {{" + action + "}}");
            }
            out.add(new Action("", List.of(path(words.getFirst()))));
          }
        }
      }
      if (inRange) {
        throw bad("{{range}} without {{end}}");
      }
      return out;
    }

    private List<Object> args(List<String> words, int n) {
      if (words.size() != n + 1) {
        throw bad(words.getFirst() + " takes " + n + (n == 1 ? " argument" : " arguments"));
      }
      List<Object> out = new ArrayList<>();
      for (String w : words.subList(1, words.size())) {
        if (w.startsWith(".")) {
          out.add(path(w));
        } else if (w.startsWith("\"") && w.endsWith("\"") && w.length() >= 2) {
          out.add(w.substring(1, w.length() - 1).replace("\\n", "\n").replace("\\t", "\t"));
        } else if (w.matches("[0-9]+")) {
          out.add(Long.parseLong(w));
        } else {
          throw bad("unsupported argument " + w);
        }
      }
      return out;
    }

    private Path path(String w) {
      if (!w.startsWith(".")) {
        throw bad("expected a field such as .Name, not " + w);
      }
      List<String> fields = new ArrayList<>();
      if (!w.equals(".")) {
        for (String f : w.substring(1).split("\\.", -1)) {
          if (!f.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw bad("invalid field " + w);
          }
          fields.add(f);
        }
      }
      return new Path(fields);
    }

    /** Words separated by spaces; a quoted string is one word. */
    private static List<String> words(String action) {
      List<String> out = new ArrayList<>();
      int j = 0;
      while (j < action.length()) {
        char c = action.charAt(j);
        if (c == ' ' || c == '\t') {
          j++;
        } else if (c == '"') {
          int end = j + 1;
          while (end < action.length() && action.charAt(end) != '"') {
            end += action.charAt(end) == '\\' ? 2 : 1;
          }
          out.add(action.substring(j, Math.min(end + 1, action.length())));
          j = end + 1;
        } else {
          int end = j;
          while (end < action.length() && action.charAt(end) != ' ' && action.charAt(end) != '\t') {
            end++;
          }
          out.add(action.substring(j, end));
          j = end;
        }
      }
      return out;
    }

    private UserError bad(String what) {
      return new UserError("invalid --format template " + s + ": " + what);
    }
  }
}
