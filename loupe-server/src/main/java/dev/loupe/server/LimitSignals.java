package dev.loupe.server;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The quotas and budgets of {@code limits:} as signals rules can divide by:
 * {@code loupe_model_tpm_limit{deployment}} and {@code loupe_model_rpm_limit{deployment}}, and the
 * telemetry budget's {@code loupe_store_bytes_budget} and {@code loupe_store_records_per_day_budget}
 * (no labels); one point at the end of any range (a limit holds now; the config has no history of
 * it). Every other name goes to the wrapped source.
 */
final class LimitSignals implements SignalSource {
  static final String TPM = "loupe_model_tpm_limit";
  static final String RPM = "loupe_model_rpm_limit";
  static final String BYTES_BUDGET = "loupe_store_bytes_budget";
  static final String RECORDS_BUDGET = "loupe_store_records_per_day_budget";

  static boolean isLimit(String name) {
    return name.equals(TPM) || name.equals(RPM) || name.equals(BYTES_BUDGET) || name.equals(RECORDS_BUDGET);
  }

  private final SignalSource inner;
  private final Map<String, LoupeConfig.DeploymentLimit> limits;
  private final LoupeConfig.Telemetry budget;

  LimitSignals(SignalSource inner, LoupeConfig.Limits limits) {
    this.inner = inner;
    this.limits = limits.deployments();
    this.budget = limits.telemetry();
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    String name = selector.metricName();
    if (!isLimit(name)) return inner.range(selector, fromMillis, toMillis);
    if (name.equals(BYTES_BUDGET) || name.equals(RECORDS_BUDGET)) {
      // Not one ternary: Long and Double would be unboxed to a double, and a null budget throw.
      Number v = budget.maxRecordsPerDay();
      if (name.equals(BYTES_BUDGET)) v = budget.maxStoredBytes();
      SortedMap<String, String> labels = new TreeMap<>(Map.of("__name__", name));
      if (v == null || !selector.matches(labels)) return List.of();
      return List.of(new RangeSeries(labels, List.of(new RangeSeries.Point(toMillis, v.doubleValue()))));
    }
    List<RangeSeries> out = new ArrayList<>();
    limits.forEach((deployment, limit) -> {
      Double v = name.equals(TPM) ? limit.tpm() : limit.rpm();
      if (v == null) return;
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("__name__", name);
      labels.put("deployment", deployment);
      if (selector.matches(labels)) out.add(new RangeSeries(labels, List.of(new RangeSeries.Point(toMillis, v))));
    });
    return out;
  }
}
