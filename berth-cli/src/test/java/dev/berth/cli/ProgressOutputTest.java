package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.client.transfer.BlobEvent;
import dev.berth.client.transfer.TransferListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker's progress: live rows on a terminal, outcomes only in a pipe, nothing with --quiet. */
class ProgressOutputTest {
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void sizesAndBarsReadAsDockers() {
    assertThat(ProgressOutput.size(512)).isEqualTo("512B");
    assertThat(ProgressOutput.size(12_346)).isEqualTo("12.35kB");
    // 12.345 is 12.34499… in binary, and Go (so docker) rounds the exact value down
    assertThat(ProgressOutput.size(12_345)).isEqualTo("12.34kB");
    assertThat(ProgressOutput.size(45_678_901)).isEqualTo("45.68MB");
    assertThat(ProgressOutput.size(1_073_741_824)).isEqualTo("1.074GB");
    assertThat(ProgressOutput.bar(0, 100, 10)).isEqualTo("[          ]");
    assertThat(ProgressOutput.bar(50, 100, 10)).isEqualTo("[====>     ]");
    assertThat(ProgressOutput.bar(100, 100, 10)).isEqualTo("[==========]");
  }

  @Test
  void onATerminalEachBlobIsOneLineRedrawnInPlace() throws Exception {
    TransferListener live = new ProgressOutput.Live(out, 80);
    live.line("The push refers to repository [h/r]");
    live.blob(BlobEvent.waiting("aaaaaaaaaaaa", "Preparing"));
    live.blob(BlobEvent.waiting("bbbbbbbbbbbb", "Preparing"));
    Thread.sleep(110); // progress is drawn ten times a second at most
    live.blob(BlobEvent.progress("aaaaaaaaaaaa", "Pushing", 5_000_000, 10_000_000));
    live.blob(BlobEvent.done("aaaaaaaaaaaa", "Pushed"));
    live.blob(BlobEvent.done("bbbbbbbbbbbb", "Layer already exists"));
    live.line("1: digest: sha256:x size: 1");
    String t = text();
    assertThat(t).startsWith("The push refers to repository [h/r]\n");
    // rows are redrawn in place: cursor up over the area, each line cleared first
    assertThat(t).contains("\033[2A").contains("\033[2Kaaaaaaaaaaaa: Pushing [");
    assertThat(t).containsPattern("aaaaaaaaaaaa: Pushing \\[=+>\\s+\\]  5MB/10MB");
    // the last drawing holds each blob's outcome, and the summary goes below the rows
    assertThat(t).endsWith("\033[2Aaaaaaaaaaaaa: Pushed\n\033[2Kbbbbbbbbbbbb: Layer already exists\n"
        .replace("\033[2Aaaaa", "\033[2A\033[2Kaaaa") + "1: digest: sha256:x size: 1\n");
    // never wider than the terminal
    assertThat(t.lines().map(l -> l.replaceAll("\033\\[[0-9]*[AJK]", ""))).allMatch(l -> l.length() < 80);
  }

  @Test
  void inAPipeOnlyOutcomesAndRetriesAndWithQuietNothing() {
    CliContext pipe = new CliContext(out, out, System.in, Map.of(), null);
    TransferListener plain = ProgressOutput.forContext(pipe, false);
    plain.line("The push refers to repository [h/r]");
    plain.blob(BlobEvent.waiting("aaaaaaaaaaaa", "Preparing"));
    plain.blob(BlobEvent.progress("aaaaaaaaaaaa", "Pushing", 5, 10));
    plain.blob(new BlobEvent("aaaaaaaaaaaa", "Retrying in 2 seconds", BlobEvent.Kind.RETRYING, 0, 10));
    plain.blob(BlobEvent.done("aaaaaaaaaaaa", "Pushed"));
    assertThat(text()).isEqualTo("The push refers to repository [h/r]\naaaaaaaaaaaa: Retrying in 2 seconds\naaaaaaaaaaaa: Pushed\n");

    bytes.reset();
    TransferListener quiet = ProgressOutput.forContext(pipe, true);
    quiet.line("anything");
    quiet.blob(BlobEvent.done("aaaaaaaaaaaa", "Pushed"));
    assertThat(text()).isEmpty();
  }
}
