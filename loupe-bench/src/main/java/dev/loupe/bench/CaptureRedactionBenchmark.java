package dev.loupe.bench;

import dev.loupe.dimension.security.SecurityScanner;
import dev.loupe.dimension.security.SecuritySettings;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code ingest.capture: redacted} costs on the request thread: one 1 KB text through the
 * redactor (personal data, secrets, canary tokens replaced by placeholders), as each stored prompt
 * and completion of such a deployment is. The detectors themselves run on their own worker
 * ({@link SecurityScanBenchmark} measures them).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CaptureRedactionBenchmark {
  SecurityScanner scanner;
  String plain;
  String sensitive;

  @Setup
  public void setUp() {
    scanner = new SecurityScanner(new SecuritySettings(Map.of("bot", "cnry-7f3a9c2e41"), Set.of("docs.acme.com")));
    plain = SecurityScanBenchmark.SUPPORT.repeat(2).substring(0, 1024);
    sensitive = (SecurityScanBenchmark.SUPPORT.substring(0, 600) + " Write to maria.lopez@acme-corp.io or call"
        + " +33 4 72 00 11 22; card 4526 0181 5908 3012. " + SecurityScanBenchmark.SUPPORT).substring(0, 1024);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public String redactPlain() {
    return scanner.redact(plain);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public String redactSensitive() {
    return scanner.redact(sensitive);
  }
}
