package dev.berth.cli.format;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of Go's {@code text/template} that docker's {@code --format} flags are used with, so
 * the same format strings work with Berth. Supported:
 * <ul>
 *   <li>literal text, and actions {@code {{ }}} with {@code {{-} / {@code -}}} trimming;</li>
 *   <li>fields {@code {{.Field}}}, {@code {{.A.B}}} and the value itself {@code {{.}}};</li>
 *   <li>string and number literals, pipes {@code {{.X | json}}};</li>
 *   <li>{@code {{if}} … {{else}} … {{end}}} and {@code {{range .List}} … {{end}}};</li>
 *   <li>docker's functions {@code json join split lower upper title truncate pad println} and
 *       Go's {@code index len eq ne not}.</li>
 * </ul>
 * Anything else (variables, {@code with}, {@code printf}, parentheses, …) is refused when parsing
 * with a message naming it, so a format never silently prints something else than docker would.
 */
public final class GoTemplate {
  /** What the error messages list as supported. */
  public static final String SUPPORTED = "{{.Field}}, {{json .}}, {{.Field | json}}, {{if}}/{{else}}/{{end}},"
      + " {{range}}, and the functions json, join, split, lower, upper, title, truncate, pad, println,"
      + " index, len, eq, ne, not";

  private static final Object MISSING = new Object() {
    @Override
    public String toString() {
      return "<no value>";
    }
  };

  /** A Go struct: a fixed set of fields; asking for any other is an error, as in Go. */
  public static final class Struct extends LinkedHashMap<String, Object> {
    private final String typeName;

    public Struct(String typeName) {
      this.typeName = typeName;
    }

    public Struct with(String field, Object value) {
      put(field, value);
      return this;
    }

    /** A field computed only when a format asks for it (a date text costs locale data to make). */
    public Struct lazy(String field, java.util.function.Supplier<Object> value) {
      put(field, new Lazy(value));
      return this;
    }

    @Override
    public Object get(Object key) {
      Object v = super.get(key);
      if (v instanceof Lazy lazy) {
        v = lazy.value().get();
        super.put((String) key, v);
      }
      return v;
    }

    @Override
    public java.util.Set<Map.Entry<String, Object>> entrySet() {
      for (String key : keySet()) {
        get(key); // resolve what is still lazy before anyone iterates
      }
      return super.entrySet();
    }

    @Override
    public java.util.Collection<Object> values() {
      entrySet();
      return super.values();
    }
  }

  private record Lazy(java.util.function.Supplier<Object> value) {
  }

  /** A format string Berth cannot run, or a field the data does not have. */
  public static final class TemplateException extends Exception {
    public TemplateException(String message) {
      super(message, null, false, false);
    }
  }

  private final String source;
  private final List<Node> nodes;

  private GoTemplate(String source, List<Node> nodes) {
    this.source = source;
    this.nodes = nodes;
  }

  public static GoTemplate parse(String text) throws TemplateException {
    Parser parser = new Parser(text);
    List<Node> nodes = parser.parseList(false);
    if (parser.pendingKeyword != null) {
      throw new TemplateException("unexpected {{" + parser.pendingKeyword + "}} in " + quoted(text));
    }
    return new GoTemplate(text, nodes);
  }

  public String execute(Object data) throws TemplateException {
    StringBuilder out = new StringBuilder();
    run(nodes, data, out);
    return out.toString();
  }

  // ---- the tree ----

  private sealed interface Node permits Text, Action, If, Range {}

  private record Text(String text) implements Node {}

  private record Action(List<Command> pipeline) implements Node {}

  private record If(List<Command> condition, List<Node> then, List<Node> otherwise) implements Node {}

  private record Range(List<Command> pipeline, List<Node> body, List<Node> otherwise) implements Node {}

  /** One stage of a pipeline: a function with arguments, or a single value. */
  private record Command(List<Arg> args) {}

  private sealed interface Arg permits Field, Literal, Function {}

  /** {@code .A.B}; an empty path is {@code .} itself. */
  private record Field(List<String> path) implements Arg {}

  private record Literal(Object value) implements Arg {}

  private record Function(String name) implements Arg {}

  // ---- execution ----

  private void run(List<Node> list, Object dot, StringBuilder out) throws TemplateException {
    for (Node node : list) {
      switch (node) {
        case Text t -> out.append(t.text());
        case Action a -> out.append(print(pipeline(a.pipeline(), dot)));
        case If i -> run(truth(pipeline(i.condition(), dot)) ? i.then() : i.otherwise(), dot, out);
        case Range r -> {
          Object value = pipeline(r.pipeline(), dot);
          Collection<?> items = value instanceof Collection<?> c ? c
              : value instanceof Map<?, ?> m ? new TreeMap<>(m).values()
              : value == null || value == MISSING ? List.of() : null;
          if (items == null) {
            throw new TemplateException("range can't iterate over " + print(value) + " in " + quoted(source));
          }
          if (items.isEmpty()) {
            run(r.otherwise(), dot, out);
          }
          for (Object item : items) {
            run(r.body(), item, out);
          }
        }
      }
    }
  }

  private Object pipeline(List<Command> commands, Object dot) throws TemplateException {
    Object value = null;
    boolean piped = false;
    for (Command command : commands) {
      value = command(command, dot, piped ? value : MISSING, piped);
      piped = true;
    }
    return value;
  }

  private Object command(Command command, Object dot, Object piped, boolean hasPiped) throws TemplateException {
    List<Arg> args = command.args();
    if (args.getFirst() instanceof Function f) {
      List<Object> values = new ArrayList<>();
      for (Arg a : args.subList(1, args.size())) {
        values.add(value(a, dot));
      }
      if (hasPiped) {
        values.add(piped);
      }
      return call(f.name(), values);
    }
    if (args.size() > 1 || hasPiped) {
      throw new TemplateException("can't give arguments to a non-function in " + quoted(source));
    }
    return value(args.getFirst(), dot);
  }

  private Object value(Arg arg, Object dot) throws TemplateException {
    return switch (arg) {
      case Literal l -> l.value();
      case Function f -> call(f.name(), List.of());
      case Field field -> {
        Object v = dot;
        for (String name : field.path()) {
          v = field(v, name);
        }
        yield v;
      }
    };
  }

  private Object field(Object value, String name) throws TemplateException {
    if (value instanceof Struct s) {
      if (!s.containsKey(name)) {
        throw new TemplateException("can't evaluate field " + name + " in type " + s.typeName
            + " (fields: " + String.join(", ", s.keySet()) + ")");
      }
      return s.get(name);
    }
    if (value instanceof Map<?, ?> m) {
      return m.containsKey(name) ? m.get(name) : MISSING;
    }
    if (value == null || value == MISSING) {
      return MISSING; // Go: a nil map yields no value
    }
    throw new TemplateException("can't evaluate field " + name + " in " + print(value));
  }

  private Object call(String name, List<Object> a) throws TemplateException {
    switch (name) {
      case "json" -> {
        arity(name, a, 1);
        return GoJson.compact(a.getFirst() == MISSING ? null : a.getFirst());
      }
      case "upper" -> {
        arity(name, a, 1);
        return print(a.getFirst()).toUpperCase(Locale.ROOT);
      }
      case "lower" -> {
        arity(name, a, 1);
        return print(a.getFirst()).toLowerCase(Locale.ROOT);
      }
      case "title" -> {
        arity(name, a, 1);
        String s = print(a.getFirst());
        StringBuilder b = new StringBuilder();
        boolean start = true;
        for (char c : s.toCharArray()) {
          b.append(start ? Character.toTitleCase(c) : c);
          start = Character.isWhitespace(c);
        }
        return b.toString();
      }
      case "join" -> {
        arity(name, a, 2);
        if (!(a.get(0) instanceof Collection<?> items)) {
          throw new TemplateException("join needs a list, got " + print(a.get(0)));
        }
        List<String> parts = new ArrayList<>();
        for (Object item : items) {
          parts.add(print(item));
        }
        return String.join(print(a.get(1)), parts);
      }
      case "split" -> {
        arity(name, a, 2);
        String sep = print(a.get(1));
        return sep.isEmpty() ? List.of(print(a.get(0)).split("")) : List.of(print(a.get(0)).split(java.util.regex.Pattern.quote(sep), -1));
      }
      case "truncate" -> {
        arity(name, a, 2);
        String s = print(a.get(0));
        int n = integer(a.get(1));
        return s.codePointCount(0, s.length()) <= n ? s : s.substring(0, s.offsetByCodePoints(0, Math.max(0, n)));
      }
      case "pad" -> {
        arity(name, a, 3);
        return " ".repeat(Math.max(0, integer(a.get(1)))) + print(a.get(0)) + " ".repeat(Math.max(0, integer(a.get(2))));
      }
      case "println" -> {
        List<String> parts = new ArrayList<>();
        for (Object o : a) {
          parts.add(print(o));
        }
        return String.join(" ", parts) + "\n";
      }
      case "len" -> {
        arity(name, a, 1);
        Object v = a.getFirst();
        if (v instanceof Collection<?> c) {
          return c.size();
        } else if (v instanceof Map<?, ?> m) {
          return m.size();
        } else if (v instanceof String s) {
          return s.length();
        }
        throw new TemplateException("len of " + print(v));
      }
      case "index" -> {
        if (a.size() < 2) {
          throw new TemplateException("wrong number of args for index: want at least 2 got " + a.size());
        }
        Object v = a.getFirst();
        for (Object key : a.subList(1, a.size())) {
          if (v instanceof List<?> list) {
            int i = integer(key);
            if (i < 0 || i >= list.size()) {
              throw new TemplateException("error calling index: index out of range: " + i);
            }
            v = list.get(i);
          } else if (v instanceof Map<?, ?> m) {
            v = m.containsKey(print(key)) ? m.get(print(key)) : MISSING;
          } else if (v == null || v == MISSING) {
            v = MISSING;
          } else {
            throw new TemplateException("can't index item of type " + print(v));
          }
        }
        return v;
      }
      case "eq", "ne" -> {
        if (a.size() < 2) {
          throw new TemplateException("wrong number of args for " + name + ": want at least 2 got " + a.size());
        }
        boolean any = false;
        for (Object other : a.subList(1, a.size())) {
          any |= print(a.getFirst()).equals(print(other));
        }
        return name.equals("eq") == any;
      }
      case "not" -> {
        arity(name, a, 1);
        return !truth(a.getFirst());
      }
      default -> throw new TemplateException("function \"" + name + "\" not defined (supported: " + SUPPORTED + ")");
    }
  }

  private static void arity(String name, List<Object> args, int n) throws TemplateException {
    if (args.size() != n) {
      throw new TemplateException("wrong number of args for " + name + ": want " + n + " got " + args.size());
    }
  }

  private static int integer(Object o) throws TemplateException {
    if (o instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(print(o));
    } catch (NumberFormatException e) {
      throw new TemplateException("expected an integer, got " + print(o));
    }
  }

  static boolean truth(Object v) {
    if (v == null || v == MISSING || Boolean.FALSE.equals(v)) {
      return false;
    } else if (v instanceof String s) {
      return !s.isEmpty();
    } else if (v instanceof Number n) {
      return n.doubleValue() != 0;
    } else if (v instanceof Collection<?> c) {
      return !c.isEmpty();
    } else if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /** Go's {@code %v}: lists as {@code [a b]}, maps as {@code map[k:v]} (sorted), nil as {@code <nil>}. */
  public static String print(Object v) {
    if (v == null) {
      return "<nil>";
    } else if (v instanceof String s) {
      return s;
    } else if (v instanceof Struct s) {
      List<String> parts = new ArrayList<>();
      for (Object item : s.values()) {
        parts.add(print(item));
      }
      return "{" + String.join(" ", parts) + "}";
    } else if (v instanceof Collection<?> c) {
      List<String> parts = new ArrayList<>();
      for (Object item : c) {
        parts.add(print(item));
      }
      return "[" + String.join(" ", parts) + "]";
    } else if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      new TreeMap<>(m).forEach((k, item) -> parts.add(k + ":" + print(item)));
      return "map[" + String.join(" ", parts) + "]";
    } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e21) {
      return Long.toString(d.longValue());
    }
    return v.toString();
  }

  private static String quoted(String s) {
    return "'" + s + "'";
  }

  // ---- parsing ----

  private static final class Parser {
    private final String text;
    private int pos;
    /** The keyword ({@code else}, {@code end}) that ended the last list, or null at the end of text. */
    String pendingKeyword;
    private boolean trimNextText;

    Parser(String text) {
      this.text = text;
    }

    /** Nodes up to the end of text, or (nested) up to an {@code else}/{@code end}, left in pendingKeyword. */
    List<Node> parseList(boolean nested) throws TemplateException {
      List<Node> nodes = new ArrayList<>();
      pendingKeyword = null;
      while (pos < text.length()) {
        int open = text.indexOf("{{", pos);
        String literal = open < 0 ? text.substring(pos) : text.substring(pos, open);
        if (trimNextText) {
          literal = literal.stripLeading();
          trimNextText = false;
        }
        if (open < 0) {
          addText(nodes, literal);
          pos = text.length();
          break;
        }
        int start = open + 2;
        boolean trimLeft = start + 1 < text.length() && text.charAt(start) == '-' && Character.isWhitespace(text.charAt(start + 1));
        if (trimLeft) {
          literal = literal.stripTrailing();
          start += 2;
        }
        addText(nodes, literal);
        int close = closing(start);
        int end = close;
        if (close - 2 >= start && text.charAt(close - 1) == '-' && Character.isWhitespace(text.charAt(close - 2))) {
          end = close - 1;
          trimNextText = true;
        }
        String action = text.substring(start, end).strip();
        pos = close + 2;
        if (action.startsWith("/*")) {
          continue; // a comment
        }
        List<String> tokens = tokenize(action);
        if (tokens.isEmpty()) {
          throw new TemplateException("missing value for command in " + quoted(text));
        }
        String first = tokens.getFirst();
        switch (first) {
          case "end", "else" -> {
            if (!nested || tokens.size() > 1) {
              throw new TemplateException("unexpected {{" + action + "}} in " + quoted(text));
            }
            pendingKeyword = first;
            return nodes;
          }
          case "if", "range" -> {
            List<Command> pipeline = pipeline(tokens.subList(1, tokens.size()), action);
            List<Node> body = parseList(true);
            List<Node> otherwise = List.of();
            if ("else".equals(pendingKeyword)) {
              otherwise = parseList(true);
            }
            if (!"end".equals(pendingKeyword)) {
              throw new TemplateException("unexpected EOF: {{" + first + "}} without {{end}} in " + quoted(text));
            }
            pendingKeyword = null;
            nodes.add(first.equals("if") ? new If(pipeline, body, otherwise) : new Range(pipeline, body, otherwise));
          }
          case "with", "define", "template", "block", "break", "continue" ->
              throw new TemplateException("{{" + first + "}} is not supported by berth (supported: " + SUPPORTED + ")");
          default -> nodes.add(new Action(pipeline(tokens, action)));
        }
      }
      if (nested) {
        pendingKeyword = null;
      }
      return nodes;
    }

    private static void addText(List<Node> nodes, String literal) {
      if (!literal.isEmpty()) {
        nodes.add(new Text(literal));
      }
    }

    /** The {@code }}} closing the action that starts at {@code start}, skipping quoted strings. */
    private int closing(int start) throws TemplateException {
      int i = start;
      while (i < text.length() - 1) {
        char c = text.charAt(i);
        if (c == '"' || c == '`') {
          int endQuote = c == '`' ? text.indexOf('`', i + 1) : endOfString(i);
          if (endQuote < 0) {
            break;
          }
          i = endQuote + 1;
        } else if (c == '}' && text.charAt(i + 1) == '}') {
          return i;
        } else {
          i++;
        }
      }
      throw new TemplateException("unclosed action in " + quoted(text));
    }

    private int endOfString(int quote) {
      for (int i = quote + 1; i < text.length(); i++) {
        if (text.charAt(i) == '\\') {
          i++;
        } else if (text.charAt(i) == '"') {
          return i;
        }
      }
      return -1;
    }

    private List<String> tokenize(String action) throws TemplateException {
      List<String> tokens = new ArrayList<>();
      int i = 0;
      while (i < action.length()) {
        char c = action.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '|') {
          tokens.add("|");
          i++;
        } else if (c == '"') {
          int end = i + 1;
          while (end < action.length() && action.charAt(end) != '"') {
            end += action.charAt(end) == '\\' ? 2 : 1;
          }
          tokens.add(action.substring(i, Math.min(end + 1, action.length())));
          i = end + 1;
        } else if (c == '`') {
          int end = action.indexOf('`', i + 1);
          tokens.add(action.substring(i, end + 1));
          i = end + 1;
        } else if (c == '(' || c == ')' || c == '$' || c == ':' || c == '=') {
          throw new TemplateException("'" + (c == ':' || c == '=' ? ":=" : String.valueOf(c))
              + "' (variables, parentheses) is not supported by berth (supported: " + SUPPORTED + ")");
        } else {
          int end = i;
          while (end < action.length() && !Character.isWhitespace(action.charAt(end)) && "|()\"`".indexOf(action.charAt(end)) < 0) {
            end++;
          }
          tokens.add(action.substring(i, end));
          i = end;
        }
      }
      return tokens;
    }

    private List<Command> pipeline(List<String> tokens, String action) throws TemplateException {
      List<Command> commands = new ArrayList<>();
      List<Arg> args = new ArrayList<>();
      for (String token : tokens) {
        if (token.equals("|")) {
          if (args.isEmpty()) {
            throw new TemplateException("missing command in {{" + action + "}}");
          }
          commands.add(new Command(List.copyOf(args)));
          args.clear();
        } else {
          args.add(arg(token, action));
        }
      }
      if (args.isEmpty()) {
        throw new TemplateException("missing value in {{" + action + "}}");
      }
      commands.add(new Command(List.copyOf(args)));
      for (int i = 1; i < commands.size(); i++) {
        if (!(commands.get(i).args().getFirst() instanceof Function)) {
          throw new TemplateException("non executable command in pipeline stage " + (i + 1) + " of {{" + action + "}}");
        }
      }
      return commands;
    }

    private static Arg arg(String token, String action) throws TemplateException {
      char c = token.charAt(0);
      if (c == '.') {
        if (token.equals(".")) {
          return new Field(List.of());
        }
        List<String> path = List.of(token.substring(1).split("\\.", -1));
        for (String part : path) {
          if (part.isEmpty()) {
            throw new TemplateException("bad field " + token + " in {{" + action + "}}");
          }
        }
        return new Field(path);
      }
      if (c == '"') {
        return new Literal(unquote(token));
      }
      if (c == '`') {
        return new Literal(token.substring(1, token.length() - 1));
      }
      if (Character.isDigit(c) || c == '-') {
        try {
          return new Literal(Long.parseLong(token));
        } catch (NumberFormatException e) {
          throw new TemplateException("bad number " + token + " in {{" + action + "}}");
        }
      }
      if (token.equals("true") || token.equals("false")) {
        return new Literal(Boolean.parseBoolean(token));
      }
      if (token.equals("nil")) {
        return new Literal(null);
      }
      if (token.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
        return new Function(token);
      }
      throw new TemplateException("unexpected \"" + token + "\" in {{" + action + "}}");
    }

    private static String unquote(String token) throws TemplateException {
      if (token.length() < 2 || !token.endsWith("\"")) {
        throw new TemplateException("unterminated quoted string " + token);
      }
      StringBuilder b = new StringBuilder();
      for (int i = 1; i < token.length() - 1; i++) {
        char c = token.charAt(i);
        if (c == '\\' && i + 1 < token.length() - 1) {
          char n = token.charAt(++i);
          b.append(switch (n) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            default -> n;
          });
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
  }
}
