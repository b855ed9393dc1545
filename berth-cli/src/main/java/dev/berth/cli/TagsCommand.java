package dev.berth.cli;

import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.model.ErrorCode;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth tags REPO}: every tag of a repository in a registry, page after page as the
 * registry serves them ({@code Link: rel="next"}). JSON as {@code skopeo list-tags} prints it, or
 * {@code --format}.
 */
@Command(name = "tags", description = "List the tags of a repository in a registry")
final class TagsCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin TransportArgs transport = new TransportArgs();

  @Parameters(index = "0", paramLabel = "REPOSITORY", description = "[docker://]HOST/NAME")
  String repository;

  @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE",
      description = "Format the output with a Go template over {Repository, Tags}, e.g. '{{join .Tags \"\\n\"}}'")
  String format;

  public TagsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    TemplateFormat template = format == null ? null : TemplateFormat.parse(format);
    String text = ImageArgs.withoutTransport(repository);
    Reference ref = ImageArgs.parse(text);
    String last = text.substring(text.lastIndexOf('/') + 1);
    if (ref.digest() != null || last.contains(":") || last.contains("@")) {
      throw new UserError("tags takes a repository, without a tag or digest: " + repository);
    }
    try {
      RegistryClient client = ClientFactory.registryClient(context, ref, false, transport.options(context));
      List<String> tags = client.listTags();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("Repository", ref.repository());
      out.put("Tags", tags);
      context.out().println(template == null ? IndentedJson.of(out) : template.render(out));
      return 0;
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw ImageArgs.authFailure(e, "listing the tags of", ref);
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
