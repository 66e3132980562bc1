package dev.loupe.api;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
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
 * names are stable; they are the contract with users' Prometheus rules and Grafana panels. A family
 * whose name ends in {@code _total} is a counter (an exporter's counter passed on, such as a port's
 * error counts), exposed as one.
 */
public final class DerivedSignalsCollector implements MultiCollector {
  private final List<Supplier<List<GaugeFamily>>> sources;
  private static final String TOTAL = "_total";
  private final List<String> names;

  /** {@code names} lists every family name the sources may supply, for the registry's conflict check. */
  public DerivedSignalsCollector(List<String> names, List<Supplier<List<GaugeFamily>>> sources) {
    // client_java names a counter without its _total, which the exposition adds.
    this.names = names.stream().map(DerivedSignalsCollector::baseName).toList();
    this.sources = List.copyOf(sources);
  }

  @Override
  public MetricSnapshots collect() {
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    for (Supplier<List<GaugeFamily>> source : sources) {
      for (GaugeFamily f : source.get()) {
        if (f.name().endsWith(TOTAL)) {
          CounterSnapshot.Builder c = CounterSnapshot.builder().name(baseName(f.name())).help(f.help());
          for (GaugeFamily.Point p : f.points()) {
            c.dataPoint(CounterDataPointSnapshot.builder().labels(labels(p.labels())).value(p.value()).build());
          }
          out.metricSnapshot(c.build());
          continue;
        }
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

  private static String baseName(String name) {
    return name.endsWith(TOTAL) ? name.substring(0, name.length() - TOTAL.length()) : name;
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
