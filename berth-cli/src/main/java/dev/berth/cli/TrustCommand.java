package dev.berth.cli;

import dev.berth.cli.trust.CaFetch;
import dev.berth.cli.trust.TrustException;
import dev.berth.cli.trust.TrustTargets;
import dev.berth.model.io.AtomicWrite;
import dev.berth.server.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth trust https://HOST:PORT}: makes this machine's clients trust the private CA of a
 * {@code berth serve --tls auto} registry. It fetches the CA ({@code /ca.crt}), checks that the
 * server's certificate chains to it and names the host, shows its SHA-256 fingerprint and asks
 * (or compares it with {@code --fingerprint}: a mismatch installs nothing), then writes it where
 * docker, podman/skopeo/buildah and berth look ({@link TrustTargets}). {@code --remove} undoes it.
 */
@Command(name = "trust",
    description = {
      "Trust the private CA of a registry run with 'berth serve --tls auto', for docker, podman, skopeo, buildah"
          + " and berth on this machine (system-wide as root, else for this user).",
      "The CA's SHA-256 fingerprint is shown for confirmation; compare it with the one 'berth serve' printed, or give"
          + " it with --fingerprint (scripts). A different fingerprint installs nothing."},
    footer = {"", "Example:", "  berth trust https://registry.example:5000 --fingerprint 3A:7F:...:C2"})
final class TrustCommand implements Callable<Integer> {
  private static final Pattern TARGET =
      Pattern.compile("(?:(https?)://)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?/?");

  private final CliContext context;

  @Parameters(index = "0", paramLabel = "https://HOST[:PORT]", description = "The registry.")
  String registry;

  @Option(names = "--fingerprint", paramLabel = "SHA256",
      description = "The CA's SHA-256 fingerprint as 'berth serve' printed it (AB:CD:... or hex); no question asked.")
  String fingerprint;

  @Option(names = "--remove", description = "Remove the CA installed for this registry instead.")
  boolean remove;

  public TrustCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Matcher m = TARGET.matcher(registry.trim());
    if (!m.matches() || "http".equals(m.group(1))) {
      throw new UserError("invalid registry '" + registry + "' (expected https://HOST:PORT, e.g. https://registry.example:5000)", 2);
    }
    String host = m.group(2).startsWith("[") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2);
    int port = m.group(3) == null ? 443 : Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new UserError("invalid port in '" + registry + "'", 2);
    }
    // the directory name is the registry as image references name it
    String hostPort = m.group(3) == null ? m.group(2) : m.group(2) + ":" + port;
    if (remove) {
      return remove(hostPort);
    }
    String expected = null;
    if (fingerprint != null) {
      expected = Pem.normalizeFingerprint(fingerprint);
      if (expected == null) {
        throw new UserError("invalid value for --fingerprint: '" + fingerprint + "' (expected 32 bytes of hex, e.g. AB:CD:...)", 2);
      }
    }
    CaFetch.Fetched fetched;
    try {
      fetched = CaFetch.fetch(host, port);
    } catch (TrustException e) {
      throw new UserError(e.getMessage());
    }
    String subject = fetched.ca().getSubjectX500Principal().getName();
    if (expected != null) {
      if (!expected.equals(fetched.fingerprint())) {
        throw new UserError("the CA of " + hostPort + " has the SHA-256 fingerprint " + fetched.fingerprint()
            + ", not the " + expected + " given: refusing to trust it (nothing was installed)");
      }
    } else {
      if (context.console() == null) {
        throw new UserError("the CA of " + hostPort + " has the SHA-256 fingerprint " + fetched.fingerprint()
            + "; without a terminal to confirm it, give it with --fingerprint (berth serve prints it at start)");
      }
      context.out().println("The registry " + hostPort + " presents a certificate from this CA:");
      context.out().println("  " + subject);
      context.out().println("  SHA-256 fingerprint " + fetched.fingerprint());
      context.out().println("Compare it with the fingerprint 'berth serve' printed when it started.");
      context.out().flush();
      String answer = context.console().readLine("Trust this CA for %s? [y/N] ", hostPort);
      if (answer == null || !List.of("y", "yes").contains(answer.trim().toLowerCase(Locale.ROOT))) {
        context.err().println("Not trusted; nothing was installed.");
        return 1;
      }
    }
    byte[] pem = Pem.certificates(List.of(fetched.ca())).getBytes(StandardCharsets.US_ASCII);
    boolean root = TrustTargets.runningAsRoot();
    for (TrustTargets.Target t : TrustTargets.forRegistry(hostPort, root, context.env(), context.home())) {
      try {
        install(t.dir(), pem);
      } catch (IOException e) {
        throw new UserError("cannot write " + t.file() + ": " + e.getMessage()
            + (root ? "" : " (to trust it system-wide, run berth trust as root)"));
      }
      context.out().println("Trusted for " + t.clients() + ": " + t.file());
    }
    if (!root) {
      context.out().println("Note: docker run as root (and 'docker login' without rootless docker) reads"
          + " /etc/docker/certs.d: for it, run 'sudo berth trust " + registry + " --fingerprint "
          + fetched.fingerprint() + "'");
    }
    context.out().println("berth reads the docker and containers directories above (or $" + TrustTargets.CERTS_DIRS_ENV + ").");
    return 0;
  }

  private int remove(String hostPort) {
    int removed = 0;
    for (TrustTargets.Target t : TrustTargets.allPlaces(hostPort, context.env(), context.home())) {
      try {
        if (Files.deleteIfExists(t.file())) {
          removed++;
          context.out().println("Removed " + t.file());
          try {
            Files.deleteIfExists(t.dir());
          } catch (DirectoryNotEmptyException e) {
            // client certificates or other CAs the user keeps there
          }
        }
      } catch (IOException e) {
        throw new UserError("cannot remove " + t.file() + ": " + e.getMessage());
      }
    }
    if (removed == 0) {
      context.out().println("No CA was installed for " + hostPort);
    }
    return 0;
  }

  /** Writes {@code ca.crt} (0644) atomically into {@code dir}, created 0755 if missing. */
  private static void install(Path dir, byte[] pem) throws IOException {
    AtomicWrite.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    AtomicWrite.write(dir.resolve(TrustTargets.FILE_NAME), pem, PosixFilePermissions.fromString("rw-r--r--"));
  }
}
