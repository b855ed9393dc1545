package dev.berth.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Outcome of each check per target, written as a Markdown table when the run ends (to
 * {@code target/conformance/results.md}, and to the test output), followed by the checks Berth
 * passes where distribution does not.
 */
final class Results implements AutoCloseable {

  enum Outcome { PASS, FAIL, SKIP }

  private record Entry(Outcome outcome, String detail) {}

  /** check id ("Workflow.method") → target → outcome. */
  private final Map<String, Map<String, Entry>> byCheck = new ConcurrentHashMap<>();
  private final Set<String> targets = new TreeSet<>();

  static Results create() {
    return new Results();
  }

  synchronized void record(ExtensionContext context, String target, Outcome outcome, String detail) {
    // The template's parent context names the check; the invocation context names the target.
    String check = context.getRequiredTestClass().getSimpleName() + "."
        + context.getRequiredTestMethod().getName();
    byCheck.computeIfAbsent(check, k -> new ConcurrentHashMap<>()).put(target, new Entry(outcome, detail));
    targets.add(target);
  }

  @Override
  public synchronized void close() {
    if (byCheck.isEmpty()) {
      return;
    }
    String table = table();
    System.out.println(table);
    String dir = System.getProperty("berth.conformance.report");
    if (dir != null) {
      try {
        Files.createDirectories(Path.of(dir));
        Files.writeString(Path.of(dir, "results.md"), table, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the conformance report to " + dir, e);
      }
    }
  }

  private String table() {
    List<String> columns = new ArrayList<>(targets);
    StringBuilder out = new StringBuilder("## OCI distribution-spec conformance\n\n| check |");
    columns.forEach(c -> out.append(' ').append(c).append(" |"));
    out.append("\n|---|");
    columns.forEach(c -> out.append("---|"));
    out.append('\n');
    Map<String, Map<String, Entry>> sorted = new TreeMap<>(byCheck);
    List<String> beyond = new ArrayList<>();
    sorted.forEach((check, outcomes) -> {
      out.append("| ").append(check).append(" |");
      for (String column : columns) {
        Entry entry = outcomes.get(column);
        out.append(' ').append(entry == null ? "" : entry.outcome()).append(" |");
      }
      out.append('\n');
      Entry berth = outcomes.get("berth");
      Entry distribution = outcomes.get("distribution");
      if (berth != null && berth.outcome() == Outcome.PASS
          && (distribution == null || distribution.outcome() != Outcome.PASS)) {
        beyond.add(check);
      }
    });
    if (!beyond.isEmpty()) {
      out.append("\nBerth passes, distribution 2.8 does not:\n");
      beyond.forEach(check -> out.append("- ").append(check).append('\n'));
    }
    List<String> failures = new ArrayList<>();
    sorted.forEach((check, outcomes) -> outcomes.forEach((target, entry) -> {
      if (entry.outcome() == Outcome.FAIL) {
        failures.add("- " + check + " [" + target + "]: " + firstLine(entry.detail()));
      }
    }));
    if (!failures.isEmpty()) {
      out.append("\nFailures:\n");
      failures.stream().sorted().forEach(f -> out.append(f).append('\n'));
    }
    return out.toString();
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
