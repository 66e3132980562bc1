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
 * The deployments' quotas from {@code limits:} as signals rules can divide by:
 * {@code loupe_model_tpm_limit{deployment}} and {@code loupe_model_rpm_limit{deployment}}, one
 * point at the end of any range (a limit holds now; the config has no history of it). Every other
 * name goes to the wrapped source.
 */
final class LimitSignals implements SignalSource {
  static final String TPM = "loupe_model_tpm_limit";
  static final String RPM = "loupe_model_rpm_limit";

  private final SignalSource inner;
  private final Map<String, LoupeConfig.DeploymentLimit> limits;

  LimitSignals(SignalSource inner, LoupeConfig.Limits limits) {
    this.inner = inner;
    this.limits = limits.deployments();
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    String name = selector.metricName();
    if (!name.equals(TPM) && !name.equals(RPM)) return inner.range(selector, fromMillis, toMillis);
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
