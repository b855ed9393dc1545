package dev.berth.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The meter against the JDK's GZIPInputStream, whatever the pieces the bytes arrive in. */
class GzipMeterTest {
  private final Random random = new Random(7);

  @Test
  void countsWhatGzipInputStreamReadsHoweverTheBytesArrive() throws IOException {
    byte[] text = ("a layer " + "x".repeat(5000)).getBytes(StandardCharsets.UTF_8);
    byte[] noise = new byte[300_000];
    random.nextBytes(noise);
    for (byte[] gz : new byte[][] {gzip(new byte[0]), gzip(text), gzip(noise), concat(gzip(text), gzip(noise), gzip(text)),
        withHeaderFields(text)}) {
      long expected = reference(gz);
      assertThat(feed(gz, gz.length)).hasValue(expected);
      assertThat(feed(gz, 1)).hasValue(expected);
      for (int piece : new int[] {2, 7, 10, 11, 100, 4096, 65_536}) {
        assertThat(feed(gz, piece)).as("pieces of %d", piece).hasValue(expected);
      }
    }
  }

  @Test
  void ignoresWhatFollowsTheLastMemberAsGzipInputStreamDoes() throws IOException {
    byte[] text = "hello".repeat(100).getBytes(StandardCharsets.UTF_8);
    byte[] gz = concat(gzip(text), "trailing junk".getBytes(StandardCharsets.UTF_8));
    assertThat(reference(gz)).isEqualTo(500);
    assertThat(feed(gz, 3)).hasValue(500);
  }

  @Test
  void givesUpOnWhatItCannotFollow() throws IOException {
    byte[] gz = gzip("hello".repeat(1000).getBytes(StandardCharsets.UTF_8));
    assertThat(feed("not gzip at all".getBytes(StandardCharsets.UTF_8), 4)).isEmpty();
    assertThat(feed(Arrays.copyOf(gz, gz.length - 3), 5)).as("no whole trailer").isEmpty();
    assertThat(feed(Arrays.copyOf(gz, gz.length / 2), 5)).as("cut in the middle").isEmpty();
    byte[] corrupt = gz.clone();
    corrupt[gz.length - 2] ^= 1; // the length in the trailer
    assertThat(feed(corrupt, 64)).isEmpty();
    byte[] badCrc = gz.clone();
    badCrc[gz.length - 8] ^= 1; // the CRC-32 in the trailer: GZIPInputStream refuses it too
    assertThatThrownBy(() -> reference(badCrc)).isInstanceOf(java.util.zip.ZipException.class);
    assertThat(feed(badCrc, 64)).isEmpty();
    byte[] badHeaderCrc = withHeaderFields("x".getBytes(StandardCharsets.UTF_8));
    int hcrc = badHeaderCrc.length - (gzip("x".getBytes(StandardCharsets.UTF_8)).length - 10) - 2;
    badHeaderCrc[hcrc] ^= 1;
    assertThatThrownBy(() -> reference(badHeaderCrc)).isInstanceOf(java.util.zip.ZipException.class);
    assertThat(feed(badHeaderCrc, 7)).isEmpty();
    // a second member whose header CRC is wrong ends the stream there, for both
    byte[] second = concat(gzip("one".getBytes(StandardCharsets.UTF_8)), badHeaderCrc);
    assertThat(feed(second, 5)).hasValue(reference(second));
    byte[] garbled = gz.clone();
    for (int i = 12; i < 40; i++) {
      garbled[i] = (byte) 0xff;
    }
    assertThat(feed(garbled, 64)).isEmpty();
  }

  @Test
  void startsOverAfterAReset() throws IOException {
    byte[] gz = gzip("again".repeat(300).getBytes(StandardCharsets.UTF_8));
    try (GzipMeter meter = new GzipMeter()) {
      meter.update(gz, 0, gz.length / 2);
      meter.reset();
      meter.update(gz, 0, gz.length);
      assertThat(meter.unpackedSize()).hasValue(1500);
    }
  }

  private static OptionalLong feed(byte[] data, int piece) {
    try (GzipMeter meter = new GzipMeter()) {
      for (int off = 0; off < data.length; off += piece) {
        // a copy per piece: the meter may not keep a reference to a buffer the caller reuses
        byte[] copy = Arrays.copyOfRange(data, off, Math.min(data.length, off + piece));
        meter.update(copy, 0, copy.length);
        Arrays.fill(copy, (byte) 0);
      }
      return meter.unpackedSize();
    }
  }

  private static long reference(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(content);
    }
    return out.toByteArray();
  }

  /** A member whose header has every optional field: extra, name, comment, header CRC. */
  private static byte[] withHeaderFields(byte[] content) throws IOException {
    byte[] plain = gzip(content);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
    out.write(new byte[] {5, 0, 'a', 'b', 'c', 'd', 'e'});
    out.write("layer.tar\0".getBytes(StandardCharsets.US_ASCII));
    out.write("a comment\0".getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[] {0, 0}); // GZIPInputStream checks it; the meter skips it
    byte[] header = out.toByteArray();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(header, 0, header.length - 2);
    header[header.length - 2] = (byte) crc.getValue();
    header[header.length - 1] = (byte) (crc.getValue() >> 8);
    return concat(header, Arrays.copyOfRange(plain, 10, plain.length));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
