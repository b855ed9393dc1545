package dev.berth.credentials.vault;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code docker-credential-berth}: docker's credential-helper protocol over Berth's encrypted
 * store, so docker, skopeo, podman and Jib read and write Berth's logins.
 *
 * <pre>
 * docker-credential-berth store    stdin {"ServerURL":…,"Username":…,"Secret":…}
 * docker-credential-berth get      stdin the server URL; stdout {"ServerURL":…,"Username":…,"Secret":…}
 * docker-credential-berth erase    stdin the server URL
 * docker-credential-berth list     stdout {"server URL":"user name",…}
 * docker-credential-berth version
 * </pre>
 *
 * Errors go to stdout, one line, exit 1, as docker-credential-helpers' {@code Serve} does; a
 * missing login is exactly {@value #NOT_FOUND}. A user name of {@code <token>} marks an identity
 * token, stored and returned as it is.
 *
 * <p>Docker runs a helper for every registry operation, so this class and everything it touches
 * use the JDK alone (no JSON library, no picocli, no lambdas or string concatenation bootstraps on
 * the {@code get} path) and start from an AOT cache ({@code berth helper install}).
 */
public final class HelperMain {
  public static final String NAME = "docker-credential-berth";
  public static final String VERSION = "0.1.0";
  public static final String NOT_FOUND = "credentials not found in native keychain";

  /** The hidden action {@code berth helper install} trains the AOT cache with. */
  public static final String TRAINING = "--aot-training";

  /** docker sends a server URL or three short fields; anything this large is not a request. */
  private static final int MAX_INPUT = 1 << 20;

  private HelperMain() {}

  public static void main(String[] args) {
    FileOutputStream out = new FileOutputStream(FileDescriptor.out);
    int code = run(args, System.in, out, System.getenv());
    // halt, not exit: everything is written and flushed, there are no shutdown hooks, and
    // Runtime.exit would first look up a System.Logger (a service-loader scan of the JDK image)
    Runtime.getRuntime().halt(code);
  }

  /** The helper with its streams and environment given: returns the exit code. */
  public static int run(String[] args, InputStream in, OutputStream out, Map<String, String> env) {
    try {
      return dispatch(args, in, out, env);
    } catch (IOException e) {
      return fail(out, e.getMessage());
    } catch (RuntimeException e) {
      return fail(out, NAME + ": unexpected failure: " + e);
    }
  }

  private static int dispatch(String[] args, InputStream in, OutputStream out, Map<String, String> env)
      throws IOException {
    if (args.length == 2 && args[0].equals(TRAINING)) {
      return train(Path.of(args[1]));
    }
    if (args.length != 1) {
      return fail(out, usage());
    }
    switch (args[0]) {
      case "--version", "-v", "version" -> {
        print(out, version());
        return 0;
      }
      case "--help", "-h" -> {
        print(out, usage() + "\n");
        return 0;
      }
      case "store" -> {
        store(readInput(in), env);
        return 0;
      }
      case "get" -> {
        return get(readInput(in), out, env);
      }
      case "erase" -> {
        return erase(readInput(in), out, env);
      }
      case "list" -> {
        print(out, list(env));
        return 0;
      }
      default -> {
        return fail(out, NAME + ": unknown action: " + args[0]);
      }
    }
  }

  // What docker does most, on a throw-away store an agent already serves (the installer sets both
  // up in other processes): the AOT cache then holds what a get through the agent loads and no
  // more. With the JDK 25 cache every class in it is loaded at start-up, used or not, so the
  // in-process path (the JDK's cryptography) stays out: measured, that costs the common path 7 ms.
  private static int train(Path scratch) throws IOException {
    Path store = scratch.resolve("credentials");
    if (!AgentClient.forStore(store).running()) {
      return 3;
    }
    Map<String, String> env = Map.of("BERTH_CREDENTIALS_DIR", store.toString());
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
    String[][] calls = {{"get", TRAINING_URL}, {"get", "absent:1"}, {"list", ""}, {"version", ""}};
    for (int round = 0; round < 3; round++) {
      for (String[] call : calls) {
        run(new String[] {call[0]}, new java.io.ByteArrayInputStream(call[1].getBytes(StandardCharsets.UTF_8)), sink, env);
      }
    }
    return 0;
  }

  /** The login the training store holds. */
  public static final String TRAINING_URL = "127.0.0.1:5000";

  static String usage() {
    return "Usage: " + NAME + " <store|get|erase|list|version>";
  }

  static String version() {
    return NAME + " (dev.berth) " + VERSION + "\n";
  }

  private static void store(String input, Map<String, String> env) throws IOException {
    Map<String, String> fields = ProtocolJson.object(input);
    String serverUrl = field(fields, "ServerURL");
    String username = field(fields, "Username");
    String secret = field(fields, "Secret");
    if (serverUrl.isEmpty()) {
      throw new IOException("no credentials server URL");
    }
    if (username.isEmpty()) {
      throw new IOException("no credentials username");
    }
    vault(env).store(new Entry(serverUrl, username, secret));
  }

  private static int get(String input, OutputStream out, Map<String, String> env) throws IOException {
    String serverUrl = input.strip();
    if (serverUrl.isEmpty()) {
      return fail(out, "no credentials server URL");
    }
    Path dir = Vault.defaultDirectory(env);
    boolean useAgent = AgentClient.enabled(env) && serverUrl.indexOf('\n') < 0;
    if (useAgent) {
      AgentClient.Reply reply = AgentClient.forStore(dir).request("get", serverUrl);
      if (reply != null) {
        return answer(reply, out);
      }
    }
    Vault vault = Vault.at(dir, agentKeys(dir, env));
    Optional<Entry> found = vault.get(serverUrl);
    if (found.isEmpty()) {
      startAgent(vault, env);
      return fail(out, NOT_FOUND);
    }
    print(out, ProtocolJson.credentials(serverUrl, found.get().username(), found.get().secret()));
    startAgent(vault, env);
    return 0;
  }

  private static int answer(AgentClient.Reply reply, OutputStream out) throws IOException {
    switch (reply.status()) {
      case "ok" -> {
        out.write(reply.body());
        out.flush();
        return 0;
      }
      case "none" -> {
        return fail(out, NOT_FOUND);
      }
      default -> {
        return fail(out, reply.text());
      }
    }
  }

  // The agent speeds up every later call; it is started for a store with a key file (a
  // passphrase-protected one is started by 'berth credentials unlock'), in the background, once.
  private static void startAgent(Vault vault, Map<String, String> env) {
    if (!AgentClient.enabled(env)) {
      return;
    }
    try {
      if (vault.mode() != Vault.Mode.KEY_FILE || AgentClient.forStore(vault.directory()).running()) {
        return;
      }
      AgentClient.start(vault.directory(), null, idleMillis(env));
    } catch (IOException | RuntimeException e) {
      // no agent: every call reads the store itself, as this one did
    }
  }

  /** {@code BERTH_AGENT_IDLE}: seconds an agent started by the helper waits for requests (default 600). */
  static long idleMillis(Map<String, String> env) {
    String v = env.get("BERTH_AGENT_IDLE");
    if (v != null) {
      try {
        return Math.max(1, Long.parseLong(v.strip())) * 1000;
      } catch (NumberFormatException e) {
        // the default
      }
    }
    return 600_000;
  }

  /** A passphrase-protected store's key, from its agent while it is unlocked. */
  static Vault.KeySource agentKeys(Path dir, Map<String, String> env) {
    if (!AgentClient.enabled(env)) {
      return Vault.NO_KEY;
    }
    return new Vault.KeySource() {
      @Override
      public byte[] dataKey(Vault vault) {
        AgentClient.Reply reply = AgentClient.forStore(dir).request("key", "");
        if (reply == null || !reply.status().equals("ok")) {
          return null;
        }
        return AgentClient.unhex(reply.text());
      }
    };
  }

  static void sortByKey(List<String[]> pairs) {
    pairs.sort(new ByUtf8Key()); // Go encodes a map with its keys sorted bytewise
  }

  private static final class ByUtf8Key implements java.util.Comparator<String[]> {
    @Override
    public int compare(String[] a, String[] b) {
      return Arrays.compareUnsigned(a[0].getBytes(StandardCharsets.UTF_8), b[0].getBytes(StandardCharsets.UTF_8));
    }
  }

  private static int erase(String input, OutputStream out, Map<String, String> env) throws IOException {
    String serverUrl = input.strip();
    if (serverUrl.isEmpty()) {
      return fail(out, "no credentials server URL");
    }
    return vault(env).erase(serverUrl) ? 0 : fail(out, NOT_FOUND);
  }

  private static String list(Map<String, String> env) throws IOException {
    Path dir = Vault.defaultDirectory(env);
    if (AgentClient.enabled(env)) {
      AgentClient.Reply reply = AgentClient.forStore(dir).request("list", "");
      if (reply != null && reply.status().equals("ok")) {
        return reply.text();
      }
    }
    List<String[]> pairs = new ArrayList<>();
    for (Entry e : vault(env).list()) {
      pairs.add(new String[] {e.serverUrl(), e.username()});
    }
    sortByKey(pairs);
    return ProtocolJson.stringMap(pairs);
  }

  private static Vault vault(Map<String, String> env) {
    Path dir = Vault.defaultDirectory(env);
    return Vault.at(dir, agentKeys(dir, env));
  }

  // Go's decoder matches field names case-insensitively, preferring the exact spelling.
  private static String field(Map<String, String> fields, String name) throws IOException {
    String key = null;
    if (fields.containsKey(name)) {
      key = name;
    } else {
      for (String k : fields.keySet()) {
        if (k.equalsIgnoreCase(name)) {
          key = k;
        }
      }
    }
    if (key == null) {
      return "";
    }
    String value = fields.get(key);
    if (value == null) {
      throw new IOException("json: cannot unmarshal a non-string into Go struct field Credentials." + name + " of type string");
    }
    return value;
  }

  private static String readInput(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_INPUT + 1);
    if (bytes.length > MAX_INPUT) {
      throw new IOException(NAME + ": input larger than " + MAX_INPUT + " bytes");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static int fail(OutputStream out, String message) {
    try {
      print(out, message + "\n");
    } catch (IOException ignored) {
      // nothing left to tell
    }
    return 1;
  }

  private static void print(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
