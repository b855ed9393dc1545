package dev.berth.cli;

import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.registry.TransportOptions;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.client.store.UnpackedSizes;
import dev.berth.client.transfer.Puller;
import dev.berth.client.transfer.TransferListener;
import dev.berth.client.transfer.TransferOptions;
import dev.berth.model.ErrorCode;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth pull NAME[:TAG|@DIGEST]}: fetches an image into the local store, several layers at
 * a time, verifying every blob as it streams in. From a multi-platform image this machine's
 * platform is taken (or {@code --platform}'s), or all of them with {@code --all-platforms}. As
 * docker: no tag means {@code latest} (and says so), {@code -a} pulls every tag of the repository,
 * {@code -q} prints only the pulled name.
 */
final class PullCommand {
  static CommandSpec spec(CliContext context) {
    CommandDef def = CommandDef.of("pull", "Download an image from a registry")
        .argument("NAME[:TAG|@DIGEST]", "The image to pull, e.g. 127.0.0.1:5000/team/app:1; without a tag, 'latest';"
            + " a name alone is on Docker Hub (ubuntu = docker.io/library/ubuntu)")
        .flag("Download all tagged images in the repository", "-a", "--all-tags")
        .flag("Suppress verbose output", "-q", "--quiet")
        .flag(TransportArgs.INSECURE_DESCRIPTION, "--insecure");
    return TransferArgs.concurrency(TransferArgs.platforms(def))
        .runs(a -> new PullCommand(context, a.argument(0), a.flag("--all-tags"), a.flag("--quiet"),
            TransportArgs.options(context, a.flag("--insecure")), TransferArgs.withPlatforms(a)).call());
  }

  private final CliContext context;
  private final String image;
  private final boolean allTags;
  private final boolean quiet;
  private final TransportOptions transport;
  private final TransferOptions transfer;

  PullCommand(CliContext context, String image, boolean allTags, boolean quiet, TransportOptions transport,
      TransferOptions transfer) {
    this.context = context;
    this.image = image;
    this.allTags = allTags;
    this.quiet = quiet;
    this.transport = transport;
    this.transfer = transfer;
  }

  int call() {
    Reference ref = ImageArgs.parse(image);
    boolean nameOnly = ImageArgs.isNameOnly(image);
    if (allTags && !nameOnly) {
      throw new UserError("tag can't be used with --all-tags/-a");
    }
    if (nameOnly && !allTags && !quiet) {
      context.out().println("Using default tag: latest");
    }
    try {
      ImageStore store = ClientFactory.imageStore(context);
      RegistryClient client = ClientFactory.registryClient(context, ref, false, transport);
      List<Reference> refs = allTags ? client.listTags().stream().sorted().map(ref::withTag).toList() : List.of(ref);
      if (refs.isEmpty()) {
        throw new UserError("no tags in " + ref.repository());
      }
      // Puller ends each pull with the pulled name; with -a docker names the repository once, at the end
      TransferListener progress = ProgressOutput.filtered(ProgressOutput.forContext(context, quiet),
          line -> !allTags || refs.stream().noneMatch(r -> r.canonical().equals(line)));
      UnpackedSizes sizes = new UnpackedSizes(store);
      for (Reference r : refs) {
        StoredImage pulled = new Puller(store, client, progress, transfer).pull(r);
        sizes.imageSize(pulled.manifest()); // unpacked sizes measured now, as docker measures when it unpacks
      }
      if (allTags || quiet) {
        context.out().println(allTags ? ref.repository() : ref.canonical());
      }
      return 0;
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw ImageArgs.authFailure(context, e, "pulling from", ref);
      }
      if (e.code() == ErrorCode.MANIFEST_UNKNOWN || e.code() == ErrorCode.NAME_UNKNOWN || e.status() == 404) {
        throw new UserError("manifest for " + ref.familiar() + " not found: " + e.reason());
      }
      throw ImageArgs.failure(e);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
