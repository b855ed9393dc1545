package dev.berth.cli;

import dev.berth.cli.format.Formatter;
import dev.berth.cli.format.GoJson;
import dev.berth.cli.format.GoTemplate;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.model.ErrorCode;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth tags REPO}: every tag of a repository in a registry, page after page as the
 * registry serves them ({@code Link: rel="next"}). JSON as {@code skopeo list-tags} prints it, or
 * {@code --format}.
 */
final class TagsCommand {
  static CommandSpec spec(CliContext context) {
    return CommandDef.of("tags", "List the tags of a repository in a registry")
        .argument("REPOSITORY", "The repository in its registry, [docker://]HOST/NAME, without a tag or digest")
        .option("TEMPLATE", "Format output using a Go template over {Repository, Tags}, e.g. '{{join .Tags \"\\n\"}}'",
            "-f", "--format")
        .flag(TransportArgs.INSECURE_DESCRIPTION, "--insecure")
        .runs(a -> new TagsCommand(context, a.argument(0), a.string("--format"), a.flag("--insecure")).call());
  }

  private final CliContext context;
  private final String repository;
  private final String format;
  private final boolean insecure;

  TagsCommand(CliContext context, String repository, String format, boolean insecure) {
    this.context = context;
    this.repository = repository;
    this.format = format;
    this.insecure = insecure;
  }

  int call() {
    String text = ImageArgs.withoutTransport(repository);
    Reference ref = ImageArgs.parse(text);
    String last = text.substring(text.lastIndexOf('/') + 1);
    if (last.contains(":")) { // a tag, or a digest (algorithm:hex)
      throw new UserError("tags takes a repository, without a tag or digest: " + repository);
    }
    try {
      boolean json = Formatter.indentedJsonOrChecked(format);
      RegistryClient client = ClientFactory.registryClient(context, ref, false, TransportArgs.options(context, insecure));
      List<String> tags = client.listTags();
      // skopeo list-tags' fields
      GoTemplate.Struct out = new GoTemplate.Struct("tagListOutput").with("Repository", ref.repository()).with("Tags", tags);
      if (json) {
        context.out().println(GoJson.indent(out, "    "));
      } else {
        context.out().print(Formatter.render(format, List.of(out), Map.of()));
      }
      return 0;
    } catch (GoTemplate.TemplateException e) {
      throw new UserError(e.getMessage());
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw ImageArgs.authFailure(context, e, "listing the tags of", ref);
      }
      if (e.code() == ErrorCode.NAME_UNKNOWN || e.status() == 404) {
        throw new UserError("repository " + ref.repository() + " not found: " + e.reason());
      }
      throw ImageArgs.failure(e);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
