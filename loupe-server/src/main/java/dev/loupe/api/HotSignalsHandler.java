package dev.loupe.api;

import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.WindowStats;
import dev.loupe.model.SeriesKey;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/signals}: the hot signals of every series over the 1 m, 5 m and 1 h sliding
 * windows, straight from memory (no store read).
 */
final class HotSignalsHandler implements Handler {
  private static final Map<String, Duration> WINDOWS = new LinkedHashMap<>();

  static {
    WINDOWS.put("1m", InferenceWindows.ONE_MINUTE);
    WINDOWS.put("5m", InferenceWindows.FIVE_MINUTES);
    WINDOWS.put("1h", InferenceWindows.ONE_HOUR);
  }

  private final InferenceWindows windows;

  HotSignalsHandler(InferenceWindows windows) {
    this.windows = windows;
  }

  @Override
  public void handle(Context ctx) {
    Map<SeriesKey, Map<String, Object>> bySeries = new TreeMap<>();
    for (Map.Entry<String, Duration> w : WINDOWS.entrySet()) {
      for (WindowStats s : windows.stats(w.getValue())) {
        bySeries.computeIfAbsent(s.key(), k -> new LinkedHashMap<>()).put(w.getKey(), toJson(s));
      }
    }
    List<Map<String, Object>> data = new ArrayList<>();
    bySeries.forEach((key, byWindow) -> {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("service", key.service());
      one.put("deployment", key.deployment());
      one.put("model", key.model());
      one.put("model_version", key.modelVersion());
      one.put("windows", byWindow);
      data.add(one);
    });
    ApiJson.write(ctx, 200, Map.of("data", data));
  }

  private static Map<String, Object> toJson(WindowStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", s.requests());
    m.put("requests_per_second", number(s.requestsPerSecond()));
    m.put("error_ratio", number(s.errorRatio()));
    m.put("throttled_ratio", number(s.throttledRatio()));
    m.put("latency_p50_ms", number(s.latencyP50Ms()));
    m.put("latency_p95_ms", number(s.latencyP95Ms()));
    m.put("latency_p99_ms", number(s.latencyP99Ms()));
    m.put("ttft_p95_ms", number(s.ttftP95Ms()));
    m.put("output_tokens_per_second", number(s.outputTokensPerSecond()));
    m.put("tokens_per_minute", number(s.tokensPerMinute()));
    return m;
  }

  /** JSON has no NaN: no samples is null. */
  private static Double number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000) / 1000.0;
  }
}
