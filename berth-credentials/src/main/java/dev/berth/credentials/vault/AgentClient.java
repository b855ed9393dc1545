package dev.berth.credentials.vault;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Talks to the agent that serves a store from a warm JVM ({@link Agent}). Only {@code java.io}
 * classes: the helper uses this on every {@code get}, and a Unix socket or a cipher would cost
 * more start-up than the whole answer.
 *
 * <pre>
 * STORE_DIR/agent/
 * ├── pid         "PID HOST", written by the agent once it listens
 * ├── requests    FIFO: one line per request, "REPLY-FIFO ACTION HEX(ARGUMENT)"
 * ├── idle/       FIFOs the agent made ready for replies
 * └── taken/      a client renames one here (atomic: one client per FIFO), opens it, then asks
 * </pre>
 *
 * A reply is "STATUS LENGTH\n" and LENGTH bytes. A client that gets no answer in time writes a
 * timeout into its own reply FIFO (it holds it open read-write) and does the work itself. Any
 * surprise means "no agent": the caller falls back to reading the store in-process.
 */
public final class AgentClient {
  static final String DIR = "agent";
  static final String PID = "pid";
  static final String REQUESTS = "requests";
  static final String IDLE = "idle";
  static final String TAKEN = "taken";
  static final int MAX_REQUEST = 4000; // a FIFO write up to PIPE_BUF (4096) is atomic
  static final long TIMEOUT_MILLIS = 3000;

  /** The environment switch: {@code BERTH_AGENT=off} never uses or starts an agent. */
  public static final String SWITCH = "BERTH_AGENT";

  /** An agent's answer. */
  public record Reply(String status, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final File dir;

  private AgentClient(File dir) {
    this.dir = dir;
  }

  public static AgentClient forStore(Path storeDir) {
    return new AgentClient(new File(storeDir.toFile(), DIR));
  }

  public static boolean enabled(Map<String, String> env) {
    String v = env.get(SWITCH);
    return v == null || !(v.equals("off") || v.equals("0") || v.equals("false"));
  }

  /** Whether an agent for this store runs on this machine (its pid file names a live process here). */
  public boolean running() {
    return agentPid() > 0;
  }

  /** The agent's process id, or 0 when none is running. */
  public long agentPid() {
    String[] pidFile = readPidFile();
    if (pidFile == null || pidFile.length < 2 || !pidFile[1].equals(hostname())) {
      return 0;
    }
    long pid;
    try {
      pid = Long.parseLong(pidFile[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
    return new File("/proc/" + pid).exists() ? pid : 0;
  }

  /**
   * Asks the agent; null when there is none, or it is busy, slow or confused (the caller then
   * does the work itself).
   */
  public Reply request(String action, String argument) {
    if (!running()) {
      return null;
    }
    String[] idle = new File(dir, IDLE).list();
    if (idle == null) {
      return null;
    }
    for (String name : idle) {
      File taken = new File(new File(dir, TAKEN), name);
      if (new File(new File(dir, IDLE), name).renameTo(taken)) {
        try {
          return exchange(taken, name, action, argument);
        } finally {
          taken.delete();
        }
      }
    }
    return null; // every reply FIFO in use
  }

  private Reply exchange(File taken, String name, String action, String argument) {
    String line = name + " " + action + " " + hex(argument.getBytes(StandardCharsets.UTF_8)) + "\n";
    if (line.length() > MAX_REQUEST) {
      return null;
    }
    // read-write: opening a FIFO so never blocks, and our own end keeps it alive until we read
    try (RandomAccessFile reply = new RandomAccessFile(taken, "rw")) {
      try (RandomAccessFile requests = new RandomAccessFile(new File(dir, REQUESTS), "rw")) {
        requests.write(line.getBytes(StandardCharsets.US_ASCII));
      }
      Watchdog watchdog = new Watchdog(reply);
      watchdog.start();
      try {
        return read(reply);
      } finally {
        watchdog.interrupt();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  // "STATUS LENGTH\n" then LENGTH bytes; "timeout" (our watchdog) or anything malformed is null
  private static Reply read(RandomAccessFile in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0 || head.length() > 64) {
        return null;
      }
      if (c == '\n') {
        break;
      }
      head.append((char) c);
    }
    int space = head.indexOf(" ");
    if (space < 0) {
      return null;
    }
    String status = head.substring(0, space);
    int length;
    try {
      length = Integer.parseInt(head.substring(space + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (status.equals("timeout") || length < 0 || length > Agent.MAX_REPLY) {
      return null;
    }
    byte[] body = new byte[length];
    in.readFully(body);
    return new Reply(status, body);
  }

  /** Unblocks a read that waits too long by answering it with a timeout itself. */
  private static final class Watchdog extends Thread {
    private final RandomAccessFile reply;

    Watchdog(RandomAccessFile reply) {
      super("berth-agent-watchdog");
      this.reply = reply;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        Thread.sleep(TIMEOUT_MILLIS);
        reply.write("timeout 0\n".getBytes(StandardCharsets.US_ASCII));
      } catch (InterruptedException | IOException e) {
        // answered in time, or the reply is closed
      }
    }
  }

  /**
   * Starts an agent for the store in the background, detached from this process (its own session,
   * stdio to /dev/null, so docker waiting on our stdout does not wait on it), running on this JVM's
   * runtime and class path. A second agent for the same store exits at once.
   *
   * @param dataKey for a passphrase-protected store, the key the agent serves; null otherwise
   */
  public static Process start(Path storeDir, byte[] dataKey, long idleMillis) throws IOException {
    List<String> command = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute()) {
      command.add("/usr/bin/setsid");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx48m");
    command.add("-XX:-UsePerfData");
    command.add("-Xlog:disable");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Agent.class.getName());
    command.add(storeDir.toAbsolutePath().toString());
    command.add(Long.toString(idleMillis));
    command.add(dataKey == null ? "key-file" : "stdin-key");
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    if (dataKey == null) {
      pb.redirectInput(new File("/dev/null"));
    }
    Process p = pb.start();
    if (dataKey != null) {
      try (var in = p.getOutputStream()) {
        in.write(dataKey);
      }
    }
    return p;
  }

  /** Waits until an agent answers, up to {@code millis}; whether one does. */
  public boolean awaitRunning(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      Reply r = running() ? request("ping", "") : null;
      if (r != null && r.status().equals("ok")) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** Asks the agent to forget its key and exit; whether one was running. */
  public boolean stop() {
    long pid = agentPid();
    if (pid == 0) {
      return false;
    }
    Reply r = request("stop", "");
    if (r == null && pid != ProcessHandle.current().pid()) {
      // wedged or busy: it is ours (same user, same store), end it by its id
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
    long deadline = System.currentTimeMillis() + 5000;
    while (agentPid() == pid && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return true;
  }

  private String[] readPidFile() {
    try (FileInputStream in = new FileInputStream(new File(dir, PID))) {
      byte[] bytes = in.readNBytes(200);
      return new String(bytes, StandardCharsets.US_ASCII).strip().split(" ");
    } catch (IOException e) {
      return null;
    }
  }

  static String hostname() {
    try (FileInputStream in = new FileInputStream("/proc/sys/kernel/hostname")) {
      return new String(in.readNBytes(256), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "localhost";
    }
  }

  static String hex(byte[] bytes) {
    char[] digits = "0123456789abcdef".toCharArray();
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = digits[bytes[i] >> 4 & 0xf];
      out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
    return new String(out);
  }

  static byte[] unhex(String s) {
    if (s.length() % 2 != 0) {
      throw new IllegalArgumentException("odd hex length");
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not hex");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }
}
