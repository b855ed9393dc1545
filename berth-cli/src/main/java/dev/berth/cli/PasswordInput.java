package dev.berth.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Passwords come from the terminal (typed twice, hidden) or stdin; never from arguments. */
final class PasswordInput {
  private PasswordInput() {}

  /**
   * @param stdin read the password from stdin (one trailing newline dropped), for scripts
   * @param what how to name it in prompts ("Password for alice")
   */
  static char[] read(CliContext context, boolean stdin, String what) {
    if (stdin) {
      return fromStdin(context);
    }
    Console console = context.console();
    if (console == null) {
      throw new UserError("cannot prompt for a password without a terminal; use --password-stdin");
    }
    char[] first = console.readPassword("%s: ", what);
    if (first == null || first.length == 0) {
      throw new UserError("password is required");
    }
    char[] second = console.readPassword("Retype %s: ", what.substring(0, 1).toLowerCase() + what.substring(1));
    if (second == null || !Arrays.equals(first, second)) {
      Arrays.fill(first, '\0');
      throw new UserError("the passwords do not match");
    }
    Arrays.fill(second, '\0');
    return first;
  }

  static char[] fromStdin(CliContext context) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      context.in().transferTo(bytes);
    } catch (IOException e) {
      throw new UserError("cannot read the password from stdin: " + e.getMessage());
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    // as docker: one trailing newline (and a CR before it) is not part of the password
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.isEmpty()) {
      throw new UserError("password is required: --password-stdin read nothing");
    }
    return text.toCharArray();
  }
}
