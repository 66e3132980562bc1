package dev.loupe.bench;

import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.model.Batch;
import dev.loupe.model.Sample;
import dev.loupe.server.ReportingSources;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What noting the sources of a stored batch costs on the ingest path (ReportingSources, for the
 * silence rules), ops = samples: a scrape flush of 8 dcgm-exporters (8 GPUs × 40 fields each and
 * their up), and a remote_write request of 2,000 samples from 100 node_exporters in shuffled order
 * (the worst case for the look-up it skips when consecutive samples share a target).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SourceTrackingBenchmark {
  static final int SCRAPE_SAMPLES = 8 * (8 * 40 + 1);
  static final int REMOTE_SAMPLES = 2000;
  Batch scrape;
  Batch remoteWrite;
  ReportingSources sources;

  @Setup
  public void setUp() {
    long now = Clock.systemUTC().millis();
    List<Sample> s = new ArrayList<>();
    for (int host = 0; host < 8; host++) {
      Map<String, String> target = Map.of("job", "dcgm", "instance", "gpu-node-" + host + ":9400");
      s.add(new Sample("up", target, now, 1));
      for (int gpu = 0; gpu < 8; gpu++) {
        for (int field = 0; field < 40; field++) {
          s.add(new Sample("DCGM_FI_FIELD_" + field, Map.of("job", "dcgm", "instance", "gpu-node-" + host + ":9400",
              "Hostname", "gpu-node-" + host, "gpu", String.valueOf(gpu), "UUID", "GPU-" + host + "-" + gpu), now, field));
        }
      }
    }
    scrape = Batch.ofSamples(s);
    List<Sample> r = new ArrayList<>();
    for (int i = 0; i < REMOTE_SAMPLES; i++) {
      r.add(new Sample("node_metric_" + (i % 20), Map.of("job", "node", "instance", "host-" + (i / 20) + ":9100",
          "cpu", String.valueOf(i % 4)), now, i));
    }
    Collections.shuffle(r, new Random(7));
    remoteWrite = Batch.ofSamples(r);
    sources = new ReportingSources(new InferenceWindows(Clock.systemUTC()), List.of());
  }

  @Benchmark
  @OperationsPerInvocation(SCRAPE_SAMPLES)
  public ReportingSources scrapeFlush() {
    sources.observe(IngestPipeline.Origin.SCRAPE, scrape);
    return sources;
  }

  @Benchmark
  @OperationsPerInvocation(REMOTE_SAMPLES)
  public ReportingSources remoteWriteShuffled() {
    sources.observe(IngestPipeline.Origin.REMOTE_WRITE, remoteWrite);
    return sources;
  }
}
