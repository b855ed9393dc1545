package dev.berth.cli;

import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoredImage;
import dev.berth.model.Reference;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth tag SOURCE TARGET}: another name for a stored image. */
@Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
final class TagCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "SOURCE_IMAGE[:TAG]")
  String source;

  @Parameters(index = "1", paramLabel = "TARGET_IMAGE[:TAG]")
  String target;

  public TagCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Reference to = ImageArgs.parse(target);
    if (to.digest() != null) {
      throw new UserError("refusing to create a tag with a digest reference: " + target);
    }
    try {
      ImageStore store = ClientFactory.imageStore(context);
      StoredImage image = store.resolve(source);
      store.addImage(image.target(), List.of(to));
      return 0;
    } catch (IOException e) {
      throw ImageArgs.failure(e);
    }
  }
}
