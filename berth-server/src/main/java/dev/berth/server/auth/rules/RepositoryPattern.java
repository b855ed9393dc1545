package dev.berth.server.auth.rules;

import java.util.regex.Pattern;

/**
 * A glob over repository names: {@code *} matches within one path component, {@code **} across
 * components, {@code ?} one character. {@code team/*} matches {@code team/app} but not
 * {@code team/app/web}; {@code team/**} matches both.
 */
public record RepositoryPattern(String glob, Pattern regex) {

  public static RepositoryPattern of(String glob) {
    if (glob == null || glob.isBlank()) {
      throw new IllegalArgumentException("empty repository pattern");
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          re.append(".*");
          i++;
        } else {
          re.append("[^/]*");
        }
      } else if (c == '?') {
        re.append("[^/]");
      } else if (Character.isLetterOrDigit(c) || c == '/' || c == '-' || c == '_' || c == '.') {
        re.append(c == '.' ? "\\." : String.valueOf(c));
      } else {
        throw new IllegalArgumentException("invalid character '" + c + "' in repository pattern '" + glob + "'");
      }
    }
    return new RepositoryPattern(glob, Pattern.compile(re.toString()));
  }

  public boolean matches(String repository) {
    return regex.matcher(repository).matches();
  }

  @Override
  public String toString() {
    return glob;
  }
}
