package dev.loupe.api;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Puts Loupe's derived signals on {@code /metrics} as gauges, read from the live state at scrape
 * time: each source (model windows, dimension health, GPUs, ports…) supplies its families. The
 * names are stable; they are the contract with users' Prometheus rules and Grafana panels.
 */
public final class DerivedSignalsCollector implements MultiCollector {
  private final List<Supplier<List<GaugeFamily>>> sources;
  private final List<String> names;

  /** {@code names} lists every family name the sources may supply, for the registry's conflict check. */
  public DerivedSignalsCollector(List<String> names, List<Supplier<List<GaugeFamily>>> sources) {
    this.names = List.copyOf(names);
    this.sources = List.copyOf(sources);
  }

  @Override
  public MetricSnapshots collect() {
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    for (Supplier<List<GaugeFamily>> source : sources) {
      for (GaugeFamily f : source.get()) {
        GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(f.name()).help(f.help());
        for (GaugeFamily.Point p : f.points()) {
          g.dataPoint(GaugeDataPointSnapshot.builder().labels(labels(p.labels())).value(p.value()).build());
        }
        out.metricSnapshot(g.build());
      }
    }
    return out.build();
  }

  @Override
  public List<String> getPrometheusNames() {
    return names;
  }

  private static Labels labels(Map<String, String> map) {
    List<String> n = new ArrayList<>(map.size());
    List<String> v = new ArrayList<>(map.size());
    map.forEach((k, val) -> {
      n.add(k);
      v.add(val);
    });
    return Labels.of(n, v);
  }
}
