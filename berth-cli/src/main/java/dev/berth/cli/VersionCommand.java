package dev.berth.cli;

import dev.berth.cli.format.Formatter;
import dev.berth.cli.format.GoTemplate;
import dev.berth.cli.format.GoTemplate.Struct;
import dev.berth.cli.format.TabWriter;
import dev.berth.client.registry.ServerVersion;
import dev.berth.credentials.RegistryHosts;
import dev.berth.model.BerthVersion;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth version [SERVER]}: docker's Client section (version, runtime, platform, and where
 * Berth keeps its files), then, when a registry is named, a Server section from its {@code GET
 * /v2/} answer: the API version every registry sends and the Berth version a Berth registry adds.
 */
final class VersionCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("version", "Show the Berth version information")
        .optionalArgument("SERVER", "A registry (HOST[:PORT]) whose version to show as well; it is asked without credentials")
        .option("FORMAT", "Format output using a custom template: 'json', or a Go TEMPLATE such as '{{.Client.Version}}'."
            + " Fields: Client.{Version,ApiVersion,JavaVersion,Os,Arch,Config,Store}, Server.{Address,Version,ApiVersion}",
            "-f", "--format")
        .runs(a -> new VersionCommand(context, a.argument(0), a.string("--format")).call());
  }

  private final CliContext context;
  private final String server;
  private final String format;

  VersionCommand(CliContext context, String server, String format) {
    this.context = context;
    this.server = server;
    this.format = format;
  }

  int call() {
    Struct client = new Struct("clientVersion")
        .with("Version", BerthVersion.VERSION)
        .with("ApiVersion", "registry/2.0")
        .with("JavaVersion", Runtime.version().toString() + vendor())
        .with("Os", System.getProperty("os.name").toLowerCase(Locale.ROOT))
        .with("Arch", arch())
        .with("Config", context.dockerConfigDir().toString())
        .with("Store", context.dataHome().resolve("images").toString());
    Struct info = new Struct("versionInfo").with("Client", client).with("Server", null);
    UserError failure = null;
    if (server != null) {
      String key = RegistryHosts.configKey(server);
      if (!RegistryHosts.isValidKey(key)) {
        throw new UserError("invalid registry address: " + server + " (expected HOST[:PORT], e.g. localhost:5000)");
      }
      String host = key.equals(RegistryHosts.HUB_KEY) ? "registry-1.docker.io" : key;
      try {
        // without credentials, but with the registry's certs.d trust and BERTH_INSECURE_REGISTRIES
        ClientFactory.Connection c = ClientFactory.connect(context, host, TransportArgs.options(context, false));
        ServerVersion v = ServerVersion.probe(c.http(), c.endpoint());
        info.with("Server", new Struct("serverVersion")
            .with("Address", host)
            .with("Product", v.berthVersion() != null ? "Berth" : "")
            .with("Version", v.berthVersion() != null ? v.berthVersion() : "")
            .with("ApiVersion", v.apiVersion() != null ? v.apiVersion() : ""));
      } catch (IOException e) {
        failure = new UserError(e.getMessage());
      }
    }
    try {
      if (format != null && !format.isEmpty()) {
        context.out().print(Formatter.render(format, List.of(info), Map.of()));
      } else {
        context.out().println(text(info));
      }
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    }
    if (failure != null) {
      throw failure;
    }
    return 0;
  }

  /** docker's layout: sections, then "key:" and values aligned at column 20. */
  private static String text(Struct info) {
    Struct c = (Struct) info.get("Client");
    StringBuilder b = new StringBuilder("Client:\n")
        .append(" Version:\t").append(c.get("Version")).append('\n')
        .append(" API version:\t").append(c.get("ApiVersion")).append('\n')
        .append(" Java version:\t").append(c.get("JavaVersion")).append('\n')
        .append(" OS/Arch:\t").append(c.get("Os")).append('/').append(c.get("Arch")).append('\n')
        .append(" Config:\t").append(c.get("Config")).append('\n')
        .append(" Store:\t").append(c.get("Store"));
    if (info.get("Server") instanceof Struct s) {
      b.append("\n\nServer: ").append(s.get("Address")).append('\n')
          .append(" ").append(s.get("Product").equals("Berth") ? "Berth" : "Registry").append(":\n")
          .append("  Version:\t").append(s.get("Version").equals("") ? "unknown (not a Berth registry)" : s.get("Version")).append('\n')
          .append("  API version:\t").append(s.get("ApiVersion").equals("") ? "unknown" : s.get("ApiVersion"));
    }
    return TabWriter.align(b.toString(), 20, 1);
  }

  private static String vendor() {
    String vendor = System.getProperty("java.vendor.version");
    return vendor == null || vendor.isEmpty() ? "" : " (" + vendor + ")";
  }

  /** Go's names: amd64, arm64. */
  private static String arch() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> arch;
    };
  }
}
