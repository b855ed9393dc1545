package dev.berth.cli;

import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * docker's {@code --filter key=value} for images: values of one key are alternatives, different
 * keys must all hold. Keys: {@code reference} (a glob on {@code name} or {@code name:tag}, as
 * Go's {@code path.Match}), {@code dangling}, {@code before}/{@code since} (an image: created
 * earlier/later), {@code label} ({@code key} or {@code key=value}) and, for prune,
 * {@code until} (a time or a duration ago).
 */
final class ImageFilters {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  /** @throws UserError naming a malformed or unknown filter */
  static ImageFilters parse(List<String> filters, Set<String> allowedKeys) {
    ImageFilters f = new ImageFilters();
    for (String filter : filters) {
      int eq = filter.indexOf('=');
      if (eq <= 0) {
        throw new UserError("bad format of filter (expected name=value): " + filter, 125);
      }
      String key = filter.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
      if (!allowedKeys.contains(key)) {
        throw new UserError("invalid filter '" + key + "'");
      }
      f.values.computeIfAbsent(key, k -> new ArrayList<>()).add(filter.substring(eq + 1).strip());
    }
    return f;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  List<String> get(String key) {
    return values.getOrDefault(key, List.of());
  }

  void add(String key, String value) {
    values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }

  /** The filters as one predicate; images named by before/since are looked up in the store. */
  Predicate<LocalImage> predicate(ImageStore store, List<LocalImage> all) throws IOException {
    List<Predicate<LocalImage>> all0 = new ArrayList<>();
    if (has("dangling")) {
      List<String> d = get("dangling");
      boolean wanted;
      if (d.stream().allMatch(v -> v.equalsIgnoreCase("true") || v.equals("1"))) {
        wanted = true;
      } else if (d.stream().allMatch(v -> v.equalsIgnoreCase("false") || v.equals("0"))) {
        wanted = false;
      } else {
        throw new UserError("invalid filter 'dangling=" + String.join(",", d) + "' (expected true or false)");
      }
      all0.add(i -> i.dangling() == wanted);
    }
    if (has("reference")) {
      List<Pattern> patterns = new ArrayList<>();
      for (String p : get("reference")) {
        patterns.add(glob(p));
      }
      all0.add(i -> !i.dangling() && patterns.stream().anyMatch(p ->
          p.matcher(i.stored.name().familiar()).matches() || p.matcher(i.stored.name().familiarRepository()).matches()));
    }
    for (String key : List.of("before", "since")) {
      for (String ref : get(key)) {
        Instant pivot = createdOf(store, all, ref);
        all0.add(i -> i.created != null && (key.equals("before") ? i.created.isBefore(pivot) : i.created.isAfter(pivot)));
      }
    }
    if (has("until")) {
      for (String u : get("until")) {
        Instant limit = until(u);
        all0.add(i -> i.created != null && i.created.isBefore(limit));
      }
    }
    if (has("label")) {
      List<String> labels = get("label");
      all0.add(i -> labels.stream().allMatch(l -> hasLabel(i, l)));
    }
    return i -> all0.stream().allMatch(p -> p.test(i));
  }

  private static boolean hasLabel(LocalImage image, String filter) {
    int eq = filter.indexOf('=');
    Map<String, Object> labels = image.labels();
    if (eq < 0) {
      return labels.containsKey(filter);
    }
    return filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
  }

  private static Instant createdOf(ImageStore store, List<LocalImage> all, String text) throws IOException {
    StoredImage found = store.resolve(text);
    for (LocalImage image : all) {
      if (image.id().equals(found.id()) && image.created != null) {
        return image.created;
      }
    }
    throw new UserError("image " + text + " has no creation time to compare with");
  }

  /** docker's {@code until}: an RFC 3339 time, a Unix timestamp, or a duration such as {@code 24h}. */
  static Instant until(String text) {
    Instant time = LocalImage.parseTime(text);
    if (time != null) {
      return time;
    }
    if (text.matches("[0-9]+(\\.[0-9]+)?")) {
      return Instant.ofEpochSecond((long) Double.parseDouble(text));
    }
    java.util.regex.Matcher m = Pattern.compile("([0-9]+)(s|m|h)").matcher(text);
    long seconds = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      seconds += switch (m.group(2)) {
        case "s" -> n;
        case "m" -> n * 60;
        default -> n * 3600;
      };
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new UserError("invalid filter 'until=" + text + "' (expected a time such as 2024-01-31T12:00:00Z, a Unix time, or a duration such as 24h)");
    }
    return Instant.now().minusSeconds(seconds);
  }

  /** Go's {@code path.Match}: {@code *} and {@code ?} never match '/', {@code [a-z]} classes, '\' escapes. */
  static Pattern glob(String pattern) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> re.append("[^/]*");
        case '?' -> re.append("[^/]");
        case '\\' -> {
          if (++i >= pattern.length()) {
            throw badPattern(pattern);
          }
          re.append(Pattern.quote(String.valueOf(pattern.charAt(i))));
        }
        case '[' -> {
          int end = pattern.indexOf(']', i + 2);
          if (end < 0) {
            throw badPattern(pattern);
          }
          String cls = pattern.substring(i + 1, end);
          if (cls.startsWith("^")) {
            cls = "^" + cls.substring(1).replace("[", "\\[");
          } else {
            cls = cls.replace("[", "\\[");
          }
          re.append('[').append(cls).append(']');
          i = end;
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    try {
      return Pattern.compile(re.toString());
    } catch (PatternSyntaxException e) {
      throw badPattern(pattern);
    }
  }

  private static UserError badPattern(String pattern) {
    return new UserError("invalid reference filter '" + pattern + "': syntax error in pattern");
  }
}
