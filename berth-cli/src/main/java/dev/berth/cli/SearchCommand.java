package dev.berth.cli;

import dev.berth.cli.format.Formatter;
import dev.berth.cli.format.GoTemplate;
import dev.berth.cli.format.GoTemplate.Struct;
import dev.berth.client.registry.RegistryException;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth search HOST/TERM}: the repositories of a registry whose name contains TERM, from its
 * catalog ({@code GET /v2/_catalog}), in docker's table (NAME DESCRIPTION STARS OFFICIAL). A
 * registry's catalog has no descriptions or stars: those columns stay empty and 0. Docker Hub has
 * no catalog: its search is not offered.
 */
final class SearchCommand {
  private static final String TABLE = "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}";
  private static final Map<String, String> HEADERS = Map.of(
      "Name", "NAME", "Description", "DESCRIPTION", "StarCount", "STARS", "IsOfficial", "OFFICIAL", "IsAutomated", "AUTOMATED");

  static CommandSpec spec(CliContext context) {
    return CommandDef.of("search", "Search a registry's catalog for repositories")
        .argument("HOST/TERM", "The registry to search and the text repository names must contain, e.g."
            + " 127.0.0.1:5000/app ('127.0.0.1:5000/' lists every repository)")
        .intOption("N", "Max number of search results (default 25)", "--limit")
        .repeatable("FILTER", "Filter output based on conditions provided: stars=N, is-official=true|false", "-f", "--filter")
        .option("FORMAT", "Pretty-print search using a Go template: 'table', 'json', or a TEMPLATE. Fields: Name,"
            + " Description, StarCount, IsOfficial, IsAutomated", "--format")
        .flag("Don't truncate output", "--no-trunc")
        .runs(a -> new SearchCommand(context, a).call());
  }

  private final CliContext context;
  private final String term;
  private final int limit;
  private final List<String> filters;
  private final String format;

  SearchCommand(CliContext context, CommandDef.Args a) {
    this.context = context;
    this.term = a.argument(0);
    this.limit = a.integer("--limit");
    this.filters = a.strings("--filter");
    this.format = a.string("--format");
  }

  int call() {
    int slash = term.indexOf('/');
    String host = slash < 0 ? null : term.substring(0, slash);
    if (host == null || !(host.contains(".") || host.contains(":") || host.equals("localhost"))) {
      throw new UserError("Docker Hub has no catalog to search; name a registry: "
          + context.commandName() + " search HOST/" + term);
    }
    if (host.equals(Reference.DOCKER_HUB) || host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      throw new UserError("Docker Hub has no catalog to search; name another registry: "
          + context.commandName() + " search HOST/TERM");
    }
    String text = term.substring(slash + 1).toLowerCase(Locale.ROOT);
    int max = limit == 0 ? 25 : limit;
    if (max < 1 || max > 100) {
      throw new UserError("limit " + limit + " is outside the range of [1, 100]");
    }
    boolean wantOfficialOnly = false;
    int minStars = 0;
    for (String filter : filters) {
      int eq = filter.indexOf('=');
      String key = eq < 0 ? filter : filter.substring(0, eq);
      String value = eq < 0 ? "" : filter.substring(eq + 1);
      switch (key) {
        case "stars" -> {
          try {
            minStars = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new UserError("invalid filter 'stars=" + value + "'");
          }
        }
        case "is-official" -> wantOfficialOnly = Boolean.parseBoolean(value);
        case "is-automated" -> context.err().println(
            "WARNING: the \"is-automated\" filter is deprecated, and searching for \"is-automated=true\" will not yield any results in future.");
        default -> throw new UserError("invalid filter '" + key + "'");
      }
    }
    try {
      List<Struct> rows = new ArrayList<>();
      if (minStars == 0 && !wantOfficialOnly) { // a catalog has neither stars nor official images
        for (String repository : ClientFactory.catalogClient(context, host, TransportArgs.options(context, false)).repositories()) {
          if (repository.contains(text) && rows.size() < max) {
            rows.add(new Struct("searchResult")
                .with("Description", "")
                .with("IsAutomated", format != null && format.equals(Formatter.JSON) ? "false" : "")
                .with("IsOfficial", format != null && format.equals(Formatter.JSON) ? "false" : "")
                .with("Name", host + "/" + repository)
                .with("StarCount", "0"));
          }
        }
      }
      String chosen = format == null || format.isEmpty() || format.equals(Formatter.TABLE) ? TABLE : format;
      context.out().print(Formatter.render(chosen, rows, HEADERS));
      return 0;
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw new UserError(e.reason() + " (listing the repositories of " + host + "); run '"
            + context.commandName() + " login " + host + "'");
      }
      throw ImageArgs.failure(e);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
