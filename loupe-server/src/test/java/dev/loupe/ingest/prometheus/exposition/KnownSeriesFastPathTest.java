package dev.loupe.ingest.prometheus.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The text parser's shortcut for series a handler already knows must read exactly what the full
 * path reads: same samples, same values, same errors, for valid and broken bodies alike.
 */
class KnownSeriesFastPathTest {
  /** Remembers series by their text, as the scraper does, and records what it is handed. */
  static final class Caching implements ExpositionHandler {
    final Map<ByteBuffer, String> known = new HashMap<>();
    final List<String> seen = new ArrayList<>();
    ByteBuffer pending;
    int shortcuts;

    @Override
    public Object knownSeries(byte[] buf, int from, int to) {
      ByteBuffer k = ByteBuffer.wrap(java.util.Arrays.copyOfRange(buf, from, to));
      String s = known.get(k);
      pending = s == null ? k : null;
      return s;
    }

    @Override
    public void knownSample(Object series, double value, long ts) {
      shortcuts++;
      seen.add(series + " " + value + " " + ts);
    }

    @Override
    public void sample(String family, MetricType type, String name, String[] labels, int n, double value, long ts) {
      StringBuilder b = new StringBuilder(name);
      for (int i = 0; i < 2 * n; i++) b.append(i % 2 == 0 ? ' ' : '=').append(labels[i]);
      if (pending != null) known.put(pending, b.toString());
      pending = null;
      seen.add(b + " " + value + " " + ts);
    }
  }

  static String outcome(byte[] body, Caching handler) {
    handler.seen.clear();
    try {
      new PrometheusTextParser().parse(body, 0, body.length, handler);
      return String.join("\n", handler.seen);
    } catch (ExpositionParseException e) {
      return "error " + e.getMessage();
    }
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = KnownSeriesFastPathTest.class.getResourceAsStream("/fixtures/prometheus/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aSecondScrapeOfTheSamePageReadsTheSameThroughTheShortcut() throws IOException {
    for (String f : List.of("dcgm-exporter-nvidia-l4.prom", "node-exporter-e2e-output.txt",
        "prometheus-bench-alltypes.237mfs.prom.txt")) {
      byte[] body = fixture(f);
      Caching handler = new Caching();
      String first = outcome(body, handler);
      assertThat(handler.shortcuts).isZero();
      String second = outcome(body, handler);
      assertThat(second).as(f).isEqualTo(first);
      assertThat(handler.shortcuts).as(f + ": nearly every line takes the shortcut").isGreaterThan(handler.seen.size() / 2);
    }
  }

  /** Bytes that matter to the grammar, so mutations hit its edges. */
  static final String NOISE = " {}\",=\\\n\tx1e+-#";

  @Test
  void brokenBodiesFailTheSameWithAndWithoutKnownSeries() throws IOException {
    byte[] good = fixture("dcgm-exporter-nvidia-l4.prom");
    Random r = new Random(11);
    for (int i = 0; i < 10_000; i++) {
      byte[] b = good.clone();
      for (int f = 1 + r.nextInt(3); f > 0; f--) {
        b[r.nextInt(b.length)] = (byte) NOISE.charAt(r.nextInt(NOISE.length()));
      }
      Caching primed = new Caching();
      outcome(good, primed);
      String expected = outcome(b, new Caching());
      assertThat(outcome(b, primed)).as("mutation %d", i).isEqualTo(expected);
    }
  }
}
