package dev.berth.credentials.vault;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Serves one store from a warm JVM, so that {@code docker-credential-berth get} answers without
 * paying for the JDK's cryptography start-up, and holds a passphrase-protected store's key while it
 * is unlocked. Protocol and layout: {@link AgentClient}.
 *
 * <p>Two lives: started by the helper for a store with a key file, it reads the key file for each
 * request (nothing is cached that the files on disk do not say); started by
 * {@code berth credentials unlock}, it holds the data key it was given on stdin. Either way it
 * re-reads the store for every request, so a login made by another process is seen at once. It
 * exits after {@code idleMillis} without a request, on {@code stop}, or when its directory goes.
 * One agent per store and machine: a second one finds the lock taken and exits.
 */
public final class Agent {
  static final int MAX_REPLY = 60 * 1024; // below the pipe buffer: a reply never blocks the agent
  private static final int POOL = 8;

  private final Vault vault;
  private final File dir;
  private final long idleMillis;
  private final byte[] dataKey;
  private volatile long lastRequest = System.currentTimeMillis();
  private volatile boolean stopping;
  private final SecureRandom random = new SecureRandom();

  Agent(Path storeDir, long idleMillis, byte[] dataKey) {
    this.dataKey = dataKey;
    this.vault = Vault.at(storeDir, new Vault.KeySource() {
      @Override
      public byte[] dataKey(Vault v) {
        return Agent.this.dataKey == null ? null : Agent.this.dataKey.clone();
      }
    });
    this.dir = new File(storeDir.toFile(), AgentClient.DIR);
    this.idleMillis = idleMillis;
  }

  /** {@code Agent STORE_DIR IDLE_MILLIS key-file|stdin-key}. */
  public static void main(String[] args) throws Exception {
    byte[] key = null;
    if (args[2].equals("stdin-key")) {
      key = System.in.readNBytes(Crypto.KEY_BYTES + 1);
      if (key.length != Crypto.KEY_BYTES) {
        System.exit(2);
      }
    }
    System.exit(new Agent(Path.of(args[0]), Long.parseLong(args[1]), key).serve());
  }

  /** Serves until idle, stopped or unable to; the exit code. */
  int serve() throws IOException {
    LockedFile.createDirectories(dir.toPath());
    Path lockFile = dir.toPath().resolve("lock");
    try (FileChannel lockChannel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      FileLock lock = lockChannel.tryLock();
      if (lock == null) {
        return 0; // another agent serves this store
      }
      try {
        prepare();
        // read-write, so the FIFO never reports end-of-file when a client closes it; and open
        // before the pid file says we listen: a request written to a FIFO nobody has open is lost
        try (RandomAccessFile requests = new RandomAccessFile(new File(dir, AgentClient.REQUESTS), "rw")) {
          announce();
          lastRequest = System.currentTimeMillis(); // idle from now on: setting up may have taken a while
          Thread idle = Thread.ofPlatform().daemon().start(this::watchIdle);
          try {
            loop(requests);
          } finally {
            idle.interrupt();
            cleanUp();
          }
        }
      } finally {
        lock.release();
        if (dataKey != null) {
          Crypto.wipe(dataKey);
        }
      }
    }
    return 0;
  }

  private void prepare() throws IOException {
    new File(dir, AgentClient.PID).delete();
    for (String sub : List.of(AgentClient.IDLE, AgentClient.TAKEN)) {
      File d = new File(dir, sub);
      File[] old = d.listFiles();
      if (old != null) {
        for (File f : old) {
          f.delete();
        }
      }
      LockedFile.createDirectories(d.toPath());
    }
    File requests = new File(dir, AgentClient.REQUESTS);
    requests.delete();
    mkfifo(List.of(requests));
    refill();
  }

  private void announce() throws IOException {
    Path pid = dir.toPath().resolve(AgentClient.PID);
    LockedFile.writeAtomically(pid, (ProcessHandle.current().pid() + " " + AgentClient.hostname() + "\n")
        .getBytes(StandardCharsets.US_ASCII));
  }

  private void loop(RandomAccessFile requests) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (!stopping) {
      int n = requests.read(buffer);
      if (n < 0) {
        return;
      }
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          lastRequest = System.currentTimeMillis();
          handle(line.toString(StandardCharsets.US_ASCII));
          line.reset();
          if (stopping) {
            return;
          }
        } else if (line.size() < AgentClient.MAX_REQUEST) {
          line.write(buffer[i]);
        }
      }
    }
  }

  private void handle(String request) {
    String[] parts = request.split(" ", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[0].contains("/") || parts[0].startsWith(".")) {
      return;
    }
    String status;
    byte[] body;
    try {
      String argument = new String(AgentClient.unhex(parts[2]), StandardCharsets.UTF_8);
      String[] answer = answer(parts[1], argument);
      status = answer[0];
      body = answer[1].getBytes(StandardCharsets.UTF_8);
    } catch (VaultException e) {
      status = e.kind() == VaultException.Kind.LOCKED ? "locked" : "error";
      body = e.getMessage().getBytes(StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      status = "error";
      body = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
    }
    if (body.length > MAX_REPLY) {
      status = "error";
      body = "reply too large for the agent".getBytes(StandardCharsets.UTF_8);
    }
    reply(parts[0], status, body);
    try {
      refill();
    } catch (IOException e) {
      stopping = true; // cannot make reply FIFOs any more: let clients work without us
    }
  }

  private String[] answer(String action, String argument) throws IOException {
    switch (action) {
      case "ping":
        return new String[] {"ok", ""};
      case "stop":
        stopping = true;
        return new String[] {"ok", ""};
      case "get": {
        Optional<Entry> found = vault.get(argument);
        if (found.isEmpty()) {
          return new String[] {"none", ""};
        }
        return new String[] {"ok", ProtocolJson.credentials(argument, found.get().username(), found.get().secret())};
      }
      case "list": {
        List<String[]> pairs = new ArrayList<>();
        for (Entry e : vault.list()) {
          pairs.add(new String[] {e.serverUrl(), e.username()});
        }
        HelperMain.sortByKey(pairs);
        return new String[] {"ok", ProtocolJson.stringMap(pairs)};
      }
      case "key": {
        if (dataKey == null) {
          return new String[] {"none", ""};
        }
        return new String[] {"ok", HexFormat.of().formatHex(dataKey)};
      }
      default:
        return new String[] {"error", "unknown request " + action};
    }
  }

  private void reply(String name, String status, byte[] body) {
    File fifo = new File(new File(dir, AgentClient.TAKEN), name);
    if (!fifo.exists()) {
      return; // the client gave up
    }
    try (RandomAccessFile out = new RandomAccessFile(fifo, "rw")) {
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      message.writeBytes((status + " " + body.length + "\n").getBytes(StandardCharsets.US_ASCII));
      message.writeBytes(body);
      out.write(message.toByteArray());
    } catch (IOException e) {
      // the client is gone
    } finally {
      fifo.delete();
    }
  }

  private void refill() throws IOException {
    File idle = new File(dir, AgentClient.IDLE);
    String[] present = idle.list();
    int missing = POOL - (present == null ? 0 : present.length);
    if (missing <= 0) {
      return;
    }
    List<File> fresh = new ArrayList<>();
    for (int i = 0; i < missing; i++) {
      byte[] name = new byte[8];
      random.nextBytes(name);
      fresh.add(new File(idle, "r" + HexFormat.of().formatHex(name)));
    }
    mkfifo(fresh);
  }

  private void watchIdle() {
    try {
      while (!stopping) {
        Thread.sleep(Math.min(1000, idleMillis));
        boolean idle = System.currentTimeMillis() - lastRequest > idleMillis;
        if (idle || !dir.isDirectory() || !new File(dir, AgentClient.REQUESTS).exists()) {
          stopping = true;
          // wake the loop: it waits on the request FIFO
          try (RandomAccessFile requests = new RandomAccessFile(new File(dir, AgentClient.REQUESTS), "rw")) {
            requests.write("\n".getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            System.exit(0); // our FIFO is gone: nothing to clean up
          }
        }
      }
    } catch (InterruptedException e) {
      // serving ended
    }
  }

  private void cleanUp() {
    new File(dir, AgentClient.PID).delete();
    new File(dir, AgentClient.REQUESTS).delete();
    for (String sub : List.of(AgentClient.IDLE, AgentClient.TAKEN)) {
      File[] files = new File(dir, sub).listFiles();
      if (files != null) {
        for (File f : files) {
          f.delete();
        }
      }
    }
  }

  private static void mkfifo(List<File> fifos) throws IOException {
    List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600"));
    for (File f : fifos) {
      command.add(f.getPath());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (InputStream out = p.getInputStream()) {
      String said = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("mkfifo failed: " + said);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making FIFOs");
    }
  }
}
