package dev.loupe.ingest.prometheus.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Mutated fixtures (truncated, bytes flipped, bytes inserted or dropped, chunks repeated) must
 * either parse or fail with an {@link ExpositionParseException}: never another exception, never a
 * hang. Seeded, so a failure repeats.
 */
class ExpositionParserFuzzTest {
  private static final byte[] INTERESTING = " \t\n\r\"\\{}=,#.-+eE0123456789xpInfNa_:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HIGH = {(byte) 0xff, (byte) 0xc3, (byte) 0xa9, (byte) 0xe2, (byte) 0x80, 0};

  static List<byte[]> seeds() throws IOException, URISyntaxException {
    List<byte[]> seeds = new ArrayList<>();
    Path root = Path.of(ExpositionParserFuzzTest.class.getResource("/fixtures").toURI());
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.equals("metrics") || p.getParent().getFileName().toString().equals("prometheus")) {
          seeds.add(Files.readAllBytes(p));
        }
      }
    }
    return seeds;
  }

  @Test
  void mutatedInputsParseOrFailCleanly() throws Exception {
    List<byte[]> seeds = seeds();
    assertThat(seeds).hasSizeGreaterThan(100);
    Random random = new Random(20261129L);
    ExpositionParser[] parsers = {
      new PrometheusTextParser(),
      new OpenMetricsParser(),
      new OpenMetricsParser(OpenMetricsParser.Strictness.ALLOW_NEGATIVE_OBSERVATIONS)
    };
    int parsed = 0;
    int rejected = 0;
    for (int round = 0; round < 6_000; round++) {
      byte[] seed = seeds.get(random.nextInt(seeds.size()));
      if (seed.length > 20_000 && random.nextInt(8) != 0) seed = window(seed, random);
      byte[] input = mutate(seed, random);
      for (ExpositionParser parser : parsers) {
        try {
          parser.parse(input, 0, input.length, new RecordingHandler());
          parsed++;
        } catch (ExpositionParseException e) {
          assertThat(e.line()).isPositive();
          assertThat(e.column()).isPositive();
          rejected++;
        } catch (Throwable t) {
          fail(parser.getClass().getSimpleName() + " threw " + t + " on base64 input "
              + Base64.getEncoder().encodeToString(input), t);
        }
      }
    }
    assertThat(parsed).isPositive();
    assertThat(rejected).isPositive();
  }

  @Test
  void randomBytesParseOrFailCleanly() {
    Random random = new Random(7);
    ExpositionParser[] parsers = {new PrometheusTextParser(), new OpenMetricsParser()};
    for (int round = 0; round < 20_000; round++) {
      byte[] input = new byte[random.nextInt(64)];
      for (int i = 0; i < input.length; i++) {
        input[i] = random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) random.nextInt(256);
      }
      for (ExpositionParser parser : parsers) {
        try {
          parser.parse(input, 0, input.length, new RecordingHandler());
        } catch (ExpositionParseException expected) {
          // fine
        } catch (Throwable t) {
          fail(parser.getClass().getSimpleName() + " threw " + t + " on base64 input "
              + Base64.getEncoder().encodeToString(input), t);
        }
      }
    }
  }

  /** Numbers the fast path reads must be exactly what Double.parseDouble reads. */
  @Test
  void decimalsMatchDoubleParseDoubleBitForBit() {
    Random random = new Random(42);
    FloatReader reader = new FloatReader();
    for (int round = 0; round < 200_000; round++) {
      StringBuilder sb = new StringBuilder();
      if (random.nextInt(4) == 0) sb.append(random.nextBoolean() ? '-' : '+');
      int intDigits = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 4 : 22);
      for (int i = 0; i < intDigits; i++) sb.append((char) ('0' + random.nextInt(10)));
      if (intDigits == 0 || random.nextBoolean()) {
        sb.append('.');
        int fracDigits = (intDigits == 0 ? 1 : 0) + random.nextInt(random.nextBoolean() ? 5 : 24);
        for (int i = 0; i < fracDigits; i++) sb.append((char) ('0' + random.nextInt(10)));
      }
      if (random.nextInt(3) == 0) {
        sb.append(random.nextBoolean() ? 'e' : 'E');
        if (random.nextBoolean()) sb.append(random.nextBoolean() ? '-' : '+');
        sb.append(random.nextInt(random.nextBoolean() ? 30 : 400));
      }
      String text = sb.toString();
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      assertThat(reader.readOpenMetricsNumber(bytes, 0, bytes.length)).as(text).isTrue();
      assertThat(Double.doubleToRawLongBits(reader.value)).as(text)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
      assertThat(reader.readGoFloat(bytes, 0, bytes.length)).as(text).isTrue();
      assertThat(Double.doubleToRawLongBits(reader.value)).as(text)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }
  }

  private static byte[] window(byte[] seed, Random random) {
    int from = random.nextInt(seed.length);
    int to = Math.min(seed.length, from + 200 + random.nextInt(4_000));
    return Arrays.copyOfRange(seed, from, to);
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      if (b.length == 0) return b;
      int at = random.nextInt(b.length);
      switch (random.nextInt(6)) {
        case 0 -> b = Arrays.copyOf(b, at);
        case 1 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
        case 2 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 3 -> {
          byte[] insert = {random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : HIGH[random.nextInt(HIGH.length)]};
          b = concat(Arrays.copyOf(b, at), insert, Arrays.copyOfRange(b, at, b.length));
        }
        case 4 -> b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, Math.min(b.length, at + 1 + random.nextInt(8)), b.length));
        default -> {
          int len = Math.min(b.length - at, 1 + random.nextInt(64));
          b = concat(Arrays.copyOf(b, at + len), Arrays.copyOfRange(b, at, b.length));
        }
      }
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }
}
