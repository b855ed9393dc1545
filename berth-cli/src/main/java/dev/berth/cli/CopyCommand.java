package dev.berth.cli;

import dev.berth.client.registry.CopyException;
import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.registry.TransportOptions;
import dev.berth.client.transfer.Copier;
import dev.berth.client.transfer.TransferOptions;
import dev.berth.model.ErrorCode;
import dev.berth.model.Reference;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth copy SRC DST}: registry to registry, without the local store (as {@code skopeo copy
 * docker://SRC docker://DST}). Within one registry the blobs are mounted, not moved. Digests stay
 * what they were; {@code --all-platforms} copies a whole multi-platform index.
 */
final class CopyCommand {
  static CommandSpec spec(CliContext context) {
    CommandDef def = CommandDef.of("copy", "Copy an image from one registry (or repository) to another, without the local store")
        .argument("SRC", "The image to copy: NAME[:TAG|@DIGEST] in its registry, docker:// optional")
        .argument("DST", "Where to copy it: NAME[:TAG] in its registry, docker:// optional; the same registry mounts the blobs")
        .flag("Suppress verbose output", "-q", "--quiet")
        .flag(TransportArgs.INSECURE_DESCRIPTION, "--insecure");
    return TransferArgs.concurrency(TransferArgs.platforms(def))
        .runs(a -> new CopyCommand(context, a.argument(0), a.argument(1), a.flag("--quiet"),
            TransportArgs.options(context, a.flag("--insecure")), TransferArgs.withPlatforms(a)).call());
  }

  private final CliContext context;
  private final String source;
  private final String destination;
  private final boolean quiet;
  private final TransportOptions transport;
  private final TransferOptions transfer;

  CopyCommand(CliContext context, String source, String destination, boolean quiet, TransportOptions transport,
      TransferOptions transfer) {
    this.context = context;
    this.source = source;
    this.destination = destination;
    this.quiet = quiet;
    this.transport = transport;
    this.transfer = transfer;
  }

  int call() {
    Reference from = ImageArgs.parse(ImageArgs.withoutTransport(source));
    Reference to = ImageArgs.parse(ImageArgs.withoutTransport(destination));
    if (to.digest() != null && to.tag() == null) {
      throw new UserError("cannot copy to a digest: " + destination + " (name a tag)");
    }
    RegistryClient src = ClientFactory.registryClient(context, from, false, transport);
    RegistryClient dst = ClientFactory.registryClient(context, to, true, transport);
    try {
      new Copier(src, dst, ProgressOutput.forContext(context, quiet), transfer).copy(from, to);
      if (quiet) {
        context.out().println(to.canonical());
      }
      return 0;
    } catch (CopyException e) {
      if (!(e.failure() instanceof RegistryException re)) {
        throw ImageArgs.failure(e.failure());
      }
      // the Copier says which side failed: source and target may be the same repository
      boolean reading = e.side() == CopyException.Side.SOURCE;
      if (re.isAuthFailure()) {
        throw reading ? ImageArgs.authFailure(context, re, "pulling from", from) : ImageArgs.authFailure(context, re, "pushing to", to);
      }
      if (reading && e.item() == CopyException.Item.MANIFEST
          && (re.code() == ErrorCode.MANIFEST_UNKNOWN || re.code() == ErrorCode.NAME_UNKNOWN || re.status() == 404)) {
        throw new UserError("manifest for " + from.familiar() + " not found: " + re.reason());
      }
      throw ImageArgs.failure(re);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
