package dev.loupe.bench;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Inference bodies shaped like real traffic, shared by the benchmarks. */
final class BenchData {
  static final String[] DEPLOYMENTS = {"chat-prod", "summarize-prod", "embed-prod", "search-prod"};

  private BenchData() {}

  /** An NDJSON body of {@code n} inference events within the minute before {@code nowMillis}. */
  static byte[] ndjson(int n, long nowMillis, long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(n * 400);
    for (int i = 0; i < n; i++) {
      String d = DEPLOYMENTS[r.nextInt(DEPLOYMENTS.length)];
      sb.append("{\"timestamp\":").append(nowMillis - r.nextInt(60_000))
          .append(",\"service\":\"").append(d, 0, d.indexOf('-')).append("-api\"")
          .append(",\"deployment\":\"").append(d).append('"')
          .append(",\"model\":\"gpt-4o\",\"model_version\":\"2024-08-06\",\"operation\":\"chat\"")
          .append(",\"request_id\":\"r-").append(seed).append('-').append(i).append('"')
          .append(",\"tenant\":\"acme\",\"api_key\":\"k-").append(r.nextInt(20)).append('"')
          .append(",\"input_tokens\":").append(200 + r.nextInt(1500))
          .append(",\"output_tokens\":").append(20 + r.nextInt(400))
          .append(",\"latency_ms\":").append(200 + r.nextInt(2000)).append('.').append(r.nextInt(10))
          .append(",\"ttft_ms\":").append(50 + r.nextInt(150))
          .append(",\"status\":\"ok\",\"http_status\":200,\"finish_reason\":\"stop\"}\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
