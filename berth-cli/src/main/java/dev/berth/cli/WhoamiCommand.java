package dev.berth.cli;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.AuthenticationException;
import dev.berth.client.auth.LoginCheck;
import dev.berth.credentials.Credentials;
import dev.berth.credentials.DockerCredentials;
import dev.berth.credentials.FileCredentialStore;
import dev.berth.credentials.RegistryHosts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth whoami}: "am I still logged in?". Without a server, every registry with stored
 * credentials, the user name, where the secret lives and whether the registry still accepts it,
 * all checked at once, each within {@code --timeout}. With a server, the scriptable form: the user
 * name on stdout and exit 0 only when the credentials docker would use for it work.
 */
@Command(
    name = "whoami",
    description = {"Show the registries you are logged in to, and whether each login still works.",
        "With SERVER: print the user name and exit 0 only when logged in there with credentials the registry accepts."})
final class WhoamiCommand implements Callable<Integer> {
  /** Where docker's CLI talks to Docker Hub (its config key stays the historic index URL). */
  private static final String HUB_REGISTRY = "registry-1.docker.io";

  private final CliContext context;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER", description = "Registry, e.g. localhost:5000")
  String server;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
      description = "How long each registry may take to answer (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = {"-q", "--quiet"}, description = "With SERVER: print nothing, only set the exit code.")
  boolean quiet;

  public WhoamiCommand(CliContext context) {
    this.context = context;
  }

  /** What a registry said about one login. */
  record Status(boolean valid, String text) {}

  @Override
  public Integer call() {
    Duration limit = ServeCommand.parseAge("--timeout", timeout);
    DockerCredentials credentials =
        CredentialsCommand.credentials(context);
    return server != null ? one(credentials, limit) : all(credentials, limit);
  }

  private int one(DockerCredentials credentials, Duration limit) {
    String key = RegistryHosts.configKey(server);
    if (!RegistryHosts.isValidKey(key)) {
      throw new UserError("invalid registry address: " + server + " (expected HOST[:PORT], e.g. localhost:5000)", 2);
    }
    Optional<Credentials> found;
    try {
      found = credentials.lookup(key);
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
    if (found.isEmpty()) {
      if (!quiet) {
        context.err().println("Not logged in to " + key);
      }
      return 1;
    }
    Status status = check(List.of(new Check(key, found.get())), limit).getFirst();
    if (!status.valid()) {
      if (!quiet) {
        context.err().println("Logged in to " + key + " as " + shown(found.get().username()) + ", but " + status.text());
      }
      return 1;
    }
    if (!quiet) {
      context.out().println(shown(found.get().username()));
    }
    return 0;
  }

  private int all(DockerCredentials credentials, Duration limit) {
    List<DockerCredentials.Login> logins;
    try {
      logins = credentials.logins();
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
    if (logins.isEmpty()) {
      context.out().println("Not logged in to any registry");
      return 0;
    }
    List<Check> checks = new ArrayList<>();
    for (DockerCredentials.Login login : logins) {
      checks.add(new Check(login.registry(), login.credentials()));
    }
    List<Status> statuses = check(checks, limit);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"REGISTRY", "USER", "STORE", "STATUS"});
    for (int i = 0; i < logins.size(); i++) {
      DockerCredentials.Login login = logins.get(i);
      String status = login.problem() != null ? "error: " + login.problem() : statuses.get(i).text();
      rows.add(new String[] {login.registry(), shown(login.username()), login.source(), status});
    }
    printTable(rows);
    return 0;
  }

  private record Check(String key, Credentials credentials) {}

  // Every registry at once, each bounded by the timeout: a dead registry costs its timeout, not
  // the sum of them.
  private List<Status> check(List<Check> checks, Duration limit) {
    List<CompletableFuture<Status>> running = new ArrayList<>();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      LoginCheck loginCheck = new LoginCheck();
      for (Check c : checks) {
        running.add(c.credentials() == null
            ? CompletableFuture.completedFuture(new Status(false, "-"))
            : CompletableFuture.supplyAsync(() -> verify(loginCheck, c), pool));
      }
      long deadline = System.nanoTime() + limit.toNanos();
      List<Status> statuses = new ArrayList<>();
      for (CompletableFuture<Status> f : running) {
        try {
          statuses.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          statuses.add(new Status(false, "no answer within " + timeout));
        } catch (ExecutionException e) {
          statuses.add(new Status(false, "error: " + e.getCause().getMessage()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          statuses.add(new Status(false, "interrupted"));
        }
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Status verify(LoginCheck loginCheck, Check c) {
    String host = c.key().equals(RegistryHosts.HUB_KEY) ? HUB_REGISTRY : RegistryHosts.toHostname(c.key());
    try {
      loginCheck.verify(RegistryEndpoint.forHost(host), c.credentials());
      return new Status(true, "valid");
    } catch (AuthenticationException e) {
      String reason = e.getMessage().replaceFirst("^cannot log in to [^:]+: ", "");
      return switch (e.kind()) {
        case REFUSED -> new Status(false, "refused: " + reason);
        case UNREACHABLE -> new Status(false, "unreachable: " + reason);
        default -> new Status(false, "error: " + reason);
      };
    }
  }

  // columns as docker lays them out: left-aligned, three spaces apart
  private void printTable(List<String[]> rows) {
    int[] widths = new int[rows.getFirst().length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 3));
        }
      }
      context.out().println(line.toString().stripTrailing());
    }
  }

  private static String shown(String username) {
    return username.equals(FileCredentialStore.TOKEN_USER) ? "(identity token)" : username;
  }
}
