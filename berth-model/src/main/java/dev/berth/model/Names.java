package dev.berth.model;

import java.util.regex.Pattern;

/** The OCI distribution grammars for repository names and tags. */
public final class Names {
  private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
  /** distribution's limit on the whole name; keeps paths short too. */
  public static final int MAX_REPOSITORY_LENGTH = 255;

  public static boolean isRepository(String name) {
    return name != null && name.length() <= MAX_REPOSITORY_LENGTH && REPOSITORY.matcher(name).matches();
  }

  public static boolean isTag(String tag) {
    return tag != null && TAG.matcher(tag).matches();
  }

  public static String requireRepository(String name) {
    if (!isRepository(name)) {
      throw new IllegalArgumentException("invalid repository name: " + name);
    }
    return name;
  }

  public static String requireTag(String tag) {
    if (!isTag(tag)) {
      throw new IllegalArgumentException("invalid tag: " + tag);
    }
    return tag;
  }

  private Names() {}
}
