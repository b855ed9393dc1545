package dev.berth.cli;

import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.registry.TransportOptions;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.client.transfer.Pusher;
import dev.berth.client.transfer.TransferListener;
import dev.berth.client.transfer.TransferOptions;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth push NAME[:TAG]}: sends a named image to its registry, several layers at a time.
 * Missing or wrong credentials fail at the first 401 with the registry's message and the login to
 * run. As docker: no tag means {@code latest} (and says so), {@code -a} pushes every local tag of
 * the repository, {@code -q} prints only the pushed name.
 */
final class PushCommand {
  private static final String REFERS = "The push refers to repository";

  static CommandSpec spec(CliContext context) {
    CommandDef def = CommandDef.of("push", "Upload an image to a registry")
        .argument("NAME[:TAG]", "A name of a local image (see 'images'), e.g. 127.0.0.1:5000/team/app:1: the"
            + " registry is its first component; without a tag, 'latest'")
        .flag("Push all local tags of the repository", "-a", "--all-tags")
        .flag("Suppress verbose output", "-q", "--quiet")
        .flag(TransportArgs.INSECURE_DESCRIPTION, "--insecure");
    return TransferArgs.concurrency(def)
        .runs(a -> new PushCommand(context, a.argument(0), a.flag("--all-tags"), a.flag("--quiet"),
            TransportArgs.options(context, a.flag("--insecure")), TransferArgs.options(a)).call());
  }

  private final CliContext context;
  private final String image;
  private final boolean allTags;
  private final boolean quiet;
  private final TransportOptions transport;
  private final TransferOptions transfer;

  PushCommand(CliContext context, String image, boolean allTags, boolean quiet, TransportOptions transport,
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
      List<StoredImage> images = new ArrayList<>();
      if (allTags) {
        for (StoredImage stored : store.list()) {
          if (stored.name() != null && stored.name().repository().equals(ref.repository())) {
            images.add(stored);
          }
        }
        images.sort(Comparator.comparing(i -> i.name().tag()));
        if (images.isEmpty()) {
          throw new UserError("An image does not exist locally with the name: " + ref.familiarRepository());
        }
      } else {
        images.add(ImageArgs.named(store, ref));
      }
      RegistryClient client = ClientFactory.registryClient(context, ref, true, transport);
      // with -a, one "The push refers to repository" line, as docker prints it
      String[] previous = {null};
      TransferListener progress = ProgressOutput.filtered(ProgressOutput.forContext(context, quiet), line -> {
        boolean repeated = line.startsWith(REFERS) && line.equals(previous[0]);
        if (line.startsWith(REFERS)) {
          previous[0] = line;
        }
        return !repeated;
      });
      for (StoredImage stored : images) {
        new Pusher(store, client, progress, transfer).push(stored, stored.name());
      }
      if (quiet) {
        context.out().println(allTags ? ref.repository() : ref.canonical());
      }
      return 0;
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw ImageArgs.authFailure(context, e, "pushing to", ref);
      }
      throw ImageArgs.failure(e);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
