package dev.loupe.browser;

import dev.loupe.demo.DemoSimulator;
import dev.loupe.store.duckdb.DuckDbStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * A data directory holding what thirty days of {@code loupe demo} leave in the store, written by
 * DuckDB itself ({@code INSERT … SELECT … FROM range(n)}) in seconds: a rollup per minute for each
 * of the demo's three deployments (chat-prod rolled out its slower fine-tune two hours ago), the
 * demo's ten GPUs' utilization, temperature and framebuffer and its two InfiniBand ports every
 * 15 s, and chat-prod's groundedness each minute. Raw inferences are left out: the page reads
 * rollups and samples over a range, never raw events.
 */
final class DemoMonth {
  static final Duration DAYS = Duration.ofDays(30);
  static final long STEP_MS = 15_000;

  private DemoMonth() {}

  /** Writes the store file into {@code dataDir}, ending at {@code nowMillis}; returns the samples written. */
  static long write(Path dataDir, long nowMillis) throws Exception {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve("loupe.duckdb");
    DuckDbStore.open(file, Clock.systemUTC()).close(); // the server's own schema
    long start = nowMillis - DAYS.toMillis();
    long rollout = nowMillis - Duration.ofHours(2).toMillis();
    long minutes = DAYS.toMillis() / 60_000;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
        Statement s = c.createStatement()) {
      s.execute(String.format(Locale.ROOT, "INSERT INTO deployments VALUES (%d, 'chat-api', 'chat-prod', 'gpt-4o', '%s', '%s')",
          rollout, DemoSimulator.OLD_VERSION, DemoSimulator.NEW_VERSION));
      // service, deployment, model, requests per second, median latency ms, time to first token share, tokens in, out
      String[][] deployments = {
        {"chat-api", "chat-prod", "gpt-4o", "12", "820", "0.28", "900", "220"},
        {"summarizer", "summarize-prod", "gpt-4o-mini", "6", "430", "0.22", "2400", "160"},
        {"rag-indexer", "embed-prod", "text-embedding-3-large", "18", "65", "0", "350", "0"},
      };
      long m0 = start - start % 60_000;
      for (String[] d : deployments) {
        boolean chat = d[1].equals("chat-prod");
        String newer = chat ? "m >= " + rollout : "false";
        String version = chat ? "CASE WHEN " + newer + " THEN '" + DemoSimulator.NEW_VERSION + "' ELSE '"
            + DemoSimulator.OLD_VERSION + "' END" : "'" + (d[1].equals("embed-prod") ? "1" : "2024-07-18") + "'";
        String sql = """
            INSERT INTO inference_rollups
            SELECT m, '{service}', '{deployment}', '{model}', {version}, requests, requests // 200, requests // 300,
              requests * {in}, requests * {out}, requests * ({in} + {out}), requests, lat, lat * 1.8, lat * 2.3,
              CASE WHEN {share} > 0 THEN requests ELSE 0 END, lat * {share}, lat * {share} * 1.8, lat * {share} * 2.3,
              NULL, NULL
            FROM (SELECT m, i,
                CAST({rps} * 60 * (1 + 0.35 * sin(2 * pi() * ((m / 3600000.0) % 24 - 9) / 24)) AS BIGINT) AS requests,
                {median} * (CASE WHEN {newer} THEN 1.5 ELSE 1.0 END) * (0.9 + (hash(i) % 200) / 1000.0) AS lat
              FROM (SELECT {m0} + i * 60000 AS m, i FROM range({minutes}) t(i)))
            """
            .replace("{service}", d[0]).replace("{deployment}", d[1]).replace("{model}", d[2]).replace("{version}", version)
            .replace("{newer}", newer).replace("{rps}", d[3]).replace("{median}", d[4]).replace("{share}", d[5])
            .replace("{in}", d[6]).replace("{out}", d[7]).replace("{m0}", String.valueOf(m0))
            .replace("{minutes}", String.valueOf(minutes));
        s.execute(sql);
      }
      s.execute(String.format(Locale.ROOT,
          "INSERT INTO scores SELECT %d + i * 60000, 'groundedness', CASE WHEN %d + i * 60000 >= %d THEN 0.75 ELSE 0.90 END"
              + " - (hash(i) %% 100) / 1000.0, 'heuristic', 'chat-prod-' || i, NULL, NULL, 'chat-api', 'chat-prod', 'gpt-4o',"
              + " CASE WHEN %d + i * 60000 >= %d THEN '%s' ELSE '%s' END FROM range(%d) t(i)",
          start, start, rollout, start, rollout, DemoSimulator.NEW_VERSION, DemoSimulator.OLD_VERSION, minutes));

      // The demo's GPUs (GpuFleetModel): two serving nodes of four, a training node of two.
      StringBuilder gpus = new StringBuilder();
      int n = 0;
      String[] metrics = {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE"};
      for (String node : new String[] {"gpu-node-1", "gpu-node-2", "train-node-1"}) {
        for (int g = 0; g < (node.startsWith("train") ? 2 : 4); g++, n++) {
          for (int m = 0; m < metrics.length; m++) {
            if (gpus.length() > 0) gpus.append(',');
            gpus.append(String.format(Locale.ROOT, "(%d, '%s', '{\"Hostname\":\"%s\",\"UUID\":\"GPU-%s-%d\",\"gpu\":\"%d\","
                    + "\"modelName\":\"NVIDIA H100 80GB HBM3\",\"namespace\":\"%s\",\"pod\":\"%s-%d\"}')",
                1 + n * metrics.length + m, metrics[m], node, node, g, g, node.startsWith("train") ? "train-llm" : "llm-serving",
                node.startsWith("train") ? "finetune-llama" : "vllm-chat", n));
          }
        }
      }
      int gpuSeries = n * metrics.length;
      String[] ports = {"gpu-node-1:9100", "gpu-node-2:9100"};
      String[] ib = {"node_infiniband_port_data_received_bytes_total", "node_infiniband_port_data_transmitted_bytes_total"};
      for (int p = 0; p < ports.length; p++) {
        for (int m = 0; m < ib.length; m++) {
          gpus.append(String.format(Locale.ROOT, ",(%d, '%s', '{\"device\":\"mlx5_0\",\"instance\":\"%s\",\"port\":\"1\"}')",
              1 + gpuSeries + p * ib.length + m, ib[m], ports[p]));
        }
      }
      s.execute("INSERT INTO series VALUES " + gpus);
      long steps = DAYS.toMillis() / STEP_MS;
      // Per series (id - 1 = gpu * 4 + metric): utilization 40-60 % (training 2 %), 60-75 °C, 60 of 80 GB used.
      s.execute(String.format(Locale.ROOT,
          "INSERT INTO samples SELECT %d + (i // %d) * %d, 1 + i %% %d, CASE (i %% %d) %% 4"
              + " WHEN 0 THEN CASE WHEN (i %% %d) // 4 >= 8 THEN 2 ELSE 40 + (hash(i) %% 200) / 10.0 END"
              + " WHEN 1 THEN 60 + (hash(i) %% 150) / 10.0 WHEN 2 THEN 61000 + hash(i) %% 2000 ELSE 19500 - hash(i) %% 2000 END"
              + " FROM range(%d) t(i)",
          start, gpuSeries, STEP_MS, gpuSeries, gpuSeries, gpuSeries, steps * gpuSeries));
      int ibSeries = ports.length * ib.length;
      // Counters growing at about 10 GB/s.
      s.execute(String.format(Locale.ROOT,
          "INSERT INTO samples SELECT %d + (i // %d) * %d, %d + i %% %d, (i // %d) * 15 * 1.0e10 * (0.8 + (i %% %d) / 10.0)"
              + " FROM range(%d) t(i)",
          start, ibSeries, STEP_MS, 1 + gpuSeries, ibSeries, ibSeries, ibSeries, steps * ibSeries));
      s.execute("CHECKPOINT");
      return steps * (gpuSeries + ibSeries);
    }
  }
}
