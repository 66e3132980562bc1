package dev.loupe.loadgen;

import dev.loupe.model.InferenceRollup;
import dev.loupe.dimension.model.InferenceStats;
import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.SeriesKey;
import dev.loupe.store.duckdb.DuckDbStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;

/**
 * Writes a data directory holding a year of history, as a Loupe that ran for a year would have
 * it: rollouts across many deployments, a rollup per series and minute, GPU samples every 30 s,
 * and raw inferences spread evenly over the year until the file reaches the wanted size. Rows
 * are made by DuckDB itself ({@code INSERT … SELECT … FROM range(n)}), in time order, so tens of
 * gigabytes take minutes, not hours. For {@code loupe bench startup}.
 */
public final class YearOfHistory {
  static final long MINUTE = 60_000;
  static final Duration YEAR = Duration.ofDays(365);
  /** Series with a rollup every minute of the year. */
  static final int ROLLUP_SERIES = 8;
  /** GPUs with three DCGM metrics each, sampled every 30 s. */
  static final int GPUS = 16;
  static final long CHUNK_ROWS = 2_000_000;
  /**
   * Captured prompts and completions are cut at random offsets from one random text: a store that
   * reaches gigabytes in a year is one that keeps them, and cutting is far cheaper than hashing.
   */
  static final int TEXT_CHARS = 4 << 20;
  static final int PROMPT_CHARS = 600;
  static final int COMPLETION_CHARS = 300;

  private final Path dataDir;
  private final long nowMillis;
  private final long targetBytes;
  private final int rollouts;
  private final PrintStream log;

  public YearOfHistory(Path dataDir, long nowMillis, long targetBytes, int rollouts, PrintStream log) {
    this.dataDir = dataDir;
    this.nowMillis = nowMillis;
    this.targetBytes = targetBytes;
    this.rollouts = rollouts;
    this.log = log;
  }

  /** The store file the server opens in {@code dataDir}. */
  public Path file() {
    return dataDir.resolve("loupe.duckdb");
  }

  public void write() throws IOException, SQLException {
    Files.createDirectories(dataDir);
    DuckDbStore.open(file(), Clock.systemUTC()).close(); // the server's own schema
    long start = nowMillis - YEAR.toMillis();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file().toAbsolutePath());
        Statement s = c.createStatement()) {
      long t = System.nanoTime();
      s.execute(String.format(Locale.ROOT,
          "INSERT INTO deployments (ts_ms, service, deployment, model, from_version, to_version) SELECT %d + i * %d, 'svc-' || (i %% 50), 'dep-' || (i %% 1000), 'gpt-4o',"
              + " 'v' || (i // 1000), 'v' || (i // 1000 + 1) FROM range(%d) t(i)",
          start, YEAR.toMillis() / rollouts, rollouts));
      done("deployments", rollouts, t);

      t = System.nanoTime();
      byte[] sketch = realSketch();
      long minutes = YEAR.toMillis() / MINUTE;
      // Up to two minutes ago: the last ones are left to the raw events, as after a crash.
      try (PreparedStatement ps = c.prepareStatement(String.format(Locale.ROOT,
          "INSERT INTO inference_rollups (minute_ms, service, deployment, model, model_version, requests, errors,"
              + " throttled, input_tokens, output_tokens, total_tokens, latency_count, latency_p50_ms, latency_p95_ms,"
              + " latency_p99_ms, ttft_count, ttft_p50_ms, ttft_p95_ms, ttft_p99_ms, latency_sketch, ttft_sketch) SELECT %d + (i // %d) * 60000, 'svc-' || (i %% %d), 'dep-' || (i %% %d),"
              + " 'gpt-4o', 'v1', 60, 1, 0, 6000, 3000, 9000, 60, 700, 1200, 1500, 0, NULL, NULL, NULL, ?, NULL"
              + " FROM range(%d) t(i)",
          minuteOf(start), ROLLUP_SERIES, ROLLUP_SERIES, ROLLUP_SERIES, (minutes - 2) * ROLLUP_SERIES))) {
        ps.setBytes(1, sketch);
        ps.execute();
      }
      done("minute rollups", (minutes - 2) * ROLLUP_SERIES, t);

      t = System.nanoTime();
      String[] metrics = {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_FB_USED"};
      for (int m = 0; m < metrics.length; m++) {
        s.execute(String.format(Locale.ROOT,
            "INSERT INTO series (id, name, labels) SELECT %d + g, '%s', '{\"Hostname\":\"gpu-node-' || (g // 8) || '\",\"gpu\":\"' || (g %% 8) || '\"}'"
                + " FROM range(%d) t(g)", 1 + m * GPUS, metrics[m], GPUS));
      }
      long sampleSeries = (long) metrics.length * GPUS;
      long samples = YEAR.toMillis() / 30_000 * sampleSeries;
      s.execute(String.format(Locale.ROOT,
          "INSERT INTO samples (ts_ms, series_id, value) SELECT %d + (i // %d) * 30000, 1 + i %% %d, 40 + (hash(i) %% 500) / 10.0 FROM range(%d) t(i)",
          start, sampleSeries, sampleSeries, samples));
      done("GPU samples", samples, t);
      s.execute("CHECKPOINT");

      s.execute("CREATE TEMP TABLE prompt_text (t VARCHAR)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO prompt_text VALUES (?)")) {
        ps.setString(1, randomText(TEXT_CHARS));
        ps.execute();
      }
      // Raw inferences: a first chunk says how many bytes a row takes, which says how many rows fill the file.
      long first = Math.min(CHUNK_ROWS, 1_000_000);
      long before = Files.size(file());
      long perRowGuess = 120;
      long total = Math.max(first, (targetBytes - before) / perRowGuess);
      long written = 0;
      while (written < total) {
        long n = written == 0 ? first : Math.min(CHUNK_ROWS, total - written);
        t = System.nanoTime();
        s.execute(inferences(start, YEAR.toMillis(), total, written, n));
        s.execute("CHECKPOINT");
        written += n;
        long size = Files.size(file());
        if (written == first) {
          long perRow = Math.max(1, (size - before) / first);
          total = Math.max(first, (targetBytes - before) / perRow);
          log.printf(Locale.ROOT, "  %d bytes per inference row: %,d rows to reach %.1f GB%n", perRow, total, targetBytes / 1e9);
        }
        done(String.format(Locale.ROOT, "inferences (%,d of %,d, file %.2f GB)", written, total, size / 1e9), n, t);
        if (size >= targetBytes) break;
      }
    }
    log.printf(Locale.ROOT, "data directory %s: %.2f GB%n", dataDir, directoryBytes(dataDir) / 1e9);
  }

  /**
   * Rows {@code [from, from + n)} of {@code total} inferences spread evenly over {@code span}
   * ending now: ids and key hashes as random as real ones, so they compress as real ones do.
   */
  private static String inferences(long start, long span, long total, long from, long n) {
    double step = (double) span / total;
    return String.format(Locale.ROOT,
        "INSERT INTO inferences (ts_ms, service, deployment, model, model_version, operation, request_id, trace_id,"
            + " tenant, api_key_hash, input_tokens, output_tokens, cached_tokens, total_tokens, latency_ms, ttft_ms,"
            + " status, http_status, finish_reason, cache_hit, cost, prompt, completion) SELECT %d + CAST(i * %.6f AS BIGINT), 'svc-' || (i %% 50), 'dep-' || (i %% 1000),"
            + " 'gpt-4o', 'v' || (i %% 7), 'chat', md5(i::VARCHAR), md5((i + 7)::VARCHAR), 'tenant-' || (i %% 40),"
            + " md5((i %% 5000)::VARCHAR), 100 + hash(i) %% 2000, 20 + hash(i + 1) %% 500, 0, NULL,"
            + " 200 + (hash(i + 2) %% 300000) / 100.0, (200 + (hash(i + 2) %% 300000) / 100.0) * (hash(i + 3) %% 50) / 100.0,"
            + " CASE WHEN i %% 97 = 0 THEN 'error' ELSE 'ok' END, CASE WHEN i %% 97 = 0 THEN 500 ELSE 200 END,"
            + " 'stop', i %% 5 = 0, (hash(i + 4) %% 100000) / 1e7,"
            + " substr(x.t, 1 + (hash(i + 5) %% %d)::BIGINT, %d), substr(x.t, 1 + (hash(i + 6) %% %d)::BIGINT, %d)"
            + " FROM range(%d, %d) t(i), prompt_text x",
        start, step, TEXT_CHARS - PROMPT_CHARS, PROMPT_CHARS, TEXT_CHARS - COMPLETION_CHARS, COMPLETION_CHARS,
        from, from + n);
  }

  /** Words of random letters and spaces, as text compresses about as well as prose. */
  private static String randomText(int chars) {
    Random r = new Random(3);
    StringBuilder b = new StringBuilder(chars);
    while (b.length() < chars) {
      b.append(r.nextInt(8) == 0 ? ' ' : (char) ('a' + r.nextInt(26)));
    }
    return b.toString();
  }

  /** The KLL sketch bytes of a real minute, so rebuilding the hot hour decodes real sketches. */
  private byte[] realSketch() {
    InferenceStats stats = new InferenceStats();
    Random r = new Random(1);
    SeriesKey key = new SeriesKey("svc-0", "dep-0", "gpt-4o", "v1");
    for (int i = 0; i < 60; i++) {
      stats.add(new Inference(nowMillis, key, null, null, null, null, null, 100L, 50L, null,
          500 + 1000 * r.nextDouble(), null, Outcome.OK, 200, null, null, null, null, null, null));
    }
    InferenceRollup rollup = stats.toRollup(key, minuteOf(nowMillis));
    return rollup.latencySketch();
  }

  private void done(String what, long rows, long startNanos) {
    double s = (System.nanoTime() - startNanos) / 1e9;
    log.printf(Locale.ROOT, "  %-50s %,14d rows in %6.1f s%n", what, rows, s);
  }

  static long minuteOf(long millis) {
    return Math.floorDiv(millis, MINUTE) * MINUTE;
  }

  static long directoryBytes(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
