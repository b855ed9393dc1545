package dev.berth.cli;

import dev.berth.client.registry.RegistryClient;
import dev.berth.client.registry.RegistryException;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.client.transfer.Pusher;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code berth push NAME[:TAG]}: sends a named image to its registry, several layers at a time.
 * Missing or wrong credentials fail at the first 401 with the registry's message and the login to
 * run.
 */
@Command(name = "push", description = "Upload an image to a registry")
final class PushCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin TransportArgs transport = new TransportArgs();
  @Mixin TransferArgs transfer = new TransferArgs();

  @Parameters(index = "0", paramLabel = "NAME[:TAG]")
  String image;

  public PushCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Reference ref = ImageArgs.parse(image);
    var options = transfer.options();
    try {
      ImageStore store = ClientFactory.imageStore(context);
      StoredImage stored = ImageArgs.named(store, ref);
      RegistryClient client = ClientFactory.registryClient(context, ref, true, transport.options(context));
      new Pusher(store, client, ProgressOutput.forContext(context, transfer.quiet), options).push(stored, ref);
      if (transfer.quiet) {
        context.out().println(ref.canonical());
      }
      return 0;
    } catch (RegistryException e) {
      if (e.isAuthFailure()) {
        throw ImageArgs.authFailure(e, "pushing to", ref);
      }
      throw ImageArgs.failure(e);
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
