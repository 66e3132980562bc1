package dev.loupe.server;

import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.WindowStats;
import dev.loupe.dimension.network.InfinibandPortKey;
import dev.loupe.dimension.network.ProbeKey;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.model.Batch;
import dev.loupe.model.Dimension;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.LogRecord;
import dev.loupe.model.Sample;
import dev.loupe.model.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every source that has sent Loupe telemetry, when it last did and the dimension its records
 * feed; what {@link SilenceSignals} turns into silences. Fed with each stored batch and where it
 * came from ({@link #observe}), on the ingest path, so it does one pass over the batch with a
 * label look-up or two per sample and merges once per source. The kinds:
 *
 * <ul>
 *   <li>{@code deployment} (model): a deployment that sent inferences, by {@code service} and
 *       {@code deployment}, from the inference windows;
 *   <li>{@code scrape_target}: a target Loupe scrapes, by {@code job} and {@code instance}, last
 *       seen at its last successful scrape ({@code up} 1);
 *   <li>{@code remote_write}: the {@code job} and {@code instance} of remote-written series, last
 *       seen at their newest sample (other than a failed {@code up} and the {@code scrape_*}
 *       series a Prometheus writes even for a target that is down);
 *   <li>{@code gpu_host} (compute): a {@code Hostname} whose dcgm-exporter series ({@code DCGM_*})
 *       arrive, by any route;
 *   <li>{@code ib_host} (network): a host of InfiniBand port counters ({@code node_infiniband_*}),
 *       named as the network dimension names it;
 *   <li>{@code probe} (network): a probed path ({@code probe_success} matching
 *       {@code network.probe_selector}), by {@code source} and {@code target};
 *   <li>{@code otlp_service}: a {@code service.name} that sent spans, logs or metrics over OTLP.
 * </ul>
 *
 * A target's or service's dimension is the one its records feed: DCGM metrics feed compute,
 * InfiniBand counters and probes network, vLLM and GenAI metrics model, other node_exporter metrics
 * compute; a target that sent none of those is a data source, an OTLP service a model one.
 * Sources are forgotten after {@link #FORGET_AFTER_MILLIS} of silence. Thread-safe.
 */
public final class ReportingSources {
  private static final Logger LOG = LoggerFactory.getLogger(ReportingSources.class);
  static final long FORGET_AFTER_MILLIS = 24 * 3_600_000L;
  /** More sources than this are not tracked: a label with a new value per sample must not fill the heap. */
  static final int MAX_SOURCES = 20_000;

  /** What a source is: its kind and the labels that name it. */
  record Source(String kind, SortedMap<String, String> labels) {
    Source {
      labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    static Source of(String kind, String... namesAndValues) {
      SortedMap<String, String> labels = new TreeMap<>();
      for (int i = 0; i < namesAndValues.length; i += 2) {
        if (namesAndValues[i + 1] != null && !namesAndValues[i + 1].isEmpty()) {
          labels.put(namesAndValues[i], namesAndValues[i + 1]);
        }
      }
      return new Source(kind, labels);
    }

    /** How a summary names it: "scrape target node-1:9400 (job dcgm)". */
    String subject() {
      String job = labels.get("job");
      String instance = labels.getOrDefault("instance", "(no instance)");
      return switch (kind) {
        case "deployment" -> "deployment " + labels.get("deployment") + " (service " + labels.get("service") + ")";
        case "scrape_target" -> "scrape target " + instance + " (job " + job + ")";
        case "remote_write" -> "remote_write series of " + instance + (job == null ? "" : " (job " + job + ")");
        case "gpu_host" -> "GPU host " + labels.get("Hostname") + " (dcgm-exporter)";
        case "ib_host" -> "InfiniBand host " + labels.get("host");
        case "probe" -> "probe " + labels.getOrDefault("source", "the prober") + " -> " + labels.get("target");
        case "otlp_service" -> "OTLP service " + labels.get("service");
        default -> kind + " " + labels;
      };
    }
  }

  /** A source as last seen: when, and the dimension its records feed. */
  record Seen(Source source, Dimension dimension, long lastMillis) {}

  /** When and what a source was seen doing; {@code rank} says how sure the dimension is (0: a default). */
  private static final class Mark {
    long lastMillis = Long.MIN_VALUE;
    Dimension dimension;
    int rank = -1;

    void saw(long t) {
      if (t > lastMillis) lastMillis = t;
    }

    void feeds(Dimension d, int r) {
      if (r > rank) {
        dimension = d;
        rank = r;
      }
    }
  }

  private final InferenceWindows windows;
  private final List<LabelMatcher> probeMatchers;
  private final Map<Source, Mark> sources = new ConcurrentHashMap<>();
  private volatile boolean full;

  /** {@code probeMatchers}: which {@code probe_success} series are network probes ({@code network.probe_selector}). */
  public ReportingSources(InferenceWindows windows, List<LabelMatcher> probeMatchers) {
    this.windows = windows;
    this.probeMatchers = List.copyOf(probeMatchers);
  }

  /** Takes note of the sources of a stored batch that came in by {@code origin}. */
  public void observe(IngestPipeline.Origin origin, Batch batch) {
    Map<Source, Mark> seen = new HashMap<>();
    samples(origin, batch.samples(), seen);
    if (origin == IngestPipeline.Origin.OTLP) {
      for (Span s : batch.spans()) {
        Object service = s.resource().get("service.name");
        if (service != null) mark(seen, Source.of("otlp_service", "service", service.toString()), Dimension.MODEL, 0)
            .saw(s.endNanos() / 1_000_000);
      }
      for (LogRecord l : batch.logs()) {
        mark(seen, Source.of("otlp_service", "service", l.service()), Dimension.MODEL, 0).saw(l.timestampMillis());
      }
    }
    merge(seen);
  }

  private void samples(IngestPipeline.Origin origin, List<Sample> samples, Map<Source, Mark> seen) {
    String kind = switch (origin) {
      case SCRAPE -> "scrape_target";
      case REMOTE_WRITE -> "remote_write";
      case OTLP -> "otlp_service";
      default -> null;
    };
    if (kind == null) return;
    // Consecutive samples mostly share their source: its mark is reused without a new key.
    Map<String, String> lastLabels = null;
    Mark source = null;
    String lastHost = null;
    Mark host = null;
    for (Sample s : samples) {
      if (s.isStaleMarker()) continue;
      String name = s.name();
      Dimension fed = fed(name);
      // A scrape's liveness is its up sample: other samples matter only for the dimension they feed.
      if (fed == null && origin == IngestPipeline.Origin.SCRAPE && !name.equals("up")) continue;
      Map<String, String> l = s.labels();
      if (lastLabels == null || !sameSource(origin, l, lastLabels)) {
        source = origin == IngestPipeline.Origin.OTLP
            ? (l.get("service") == null ? null
                : mark(seen, Source.of(kind, "service", l.get("service")), Dimension.MODEL, 0))
            : mark(seen, Source.of(kind, "job", l.get("job"), "instance", l.get("instance")), Dimension.DATA, 0);
        lastLabels = l;
      }
      if (source != null && reports(origin, name, s.value())) source.saw(s.timestampMillis());
      if (fed == null) continue;
      if (source != null) source.feeds(fed, name.startsWith("node_") && !name.startsWith("node_infiniband_") ? 1 : 2);
      if (name.startsWith("DCGM_")) {
        String h = l.get("Hostname");
        if (h == null) continue;
        if (!h.equals(lastHost)) {
          host = mark(seen, Source.of("gpu_host", "Hostname", h), Dimension.COMPUTE, 2);
          lastHost = h;
        }
        host.saw(s.timestampMillis());
      } else if (name.startsWith("node_infiniband_")) {
        mark(seen, Source.of("ib_host", "host", InfinibandPortKey.from(l).host()), Dimension.NETWORK, 2)
            .saw(s.timestampMillis());
      } else if (name.equals("probe_success") && probeMatchers.stream().allMatch(m -> m.matches(l.get(m.name())))) {
        ProbeKey p = ProbeKey.from(l);
        mark(seen, Source.of("probe", "source", p.source(), "target", p.target(), "module", p.module()),
            Dimension.NETWORK, 2).saw(s.timestampMillis());
      }
    }
  }

  private static boolean sameSource(IngestPipeline.Origin origin, Map<String, String> a, Map<String, String> b) {
    if (a == b) return true;
    if (origin == IngestPipeline.Origin.OTLP) return java.util.Objects.equals(a.get("service"), b.get("service"));
    return java.util.Objects.equals(a.get("job"), b.get("job"))
        && java.util.Objects.equals(a.get("instance"), b.get("instance"));
  }

  /**
   * Whether a sample shows its target alive: a scrape by its {@code up} being 1 (one a scrape);
   * a remote-written one by any sample but a failed {@code up} and the {@code scrape_*} series,
   * which Prometheus writes for a target that is down too; an OTLP one always.
   */
  private static boolean reports(IngestPipeline.Origin origin, String name, double value) {
    return switch (origin) {
      case SCRAPE -> name.equals("up") && value == 1;
      case REMOTE_WRITE -> name.equals("up") ? value == 1 : !name.startsWith("scrape_");
      default -> true;
    };
  }

  /** The dimension a metric feeds, or null when none in particular. */
  static Dimension fed(String name) {
    if (name.startsWith("DCGM_")) return Dimension.COMPUTE;
    if (name.startsWith("node_infiniband_") || name.startsWith("probe_")) return Dimension.NETWORK;
    if (name.startsWith("vllm:") || name.startsWith("gen_ai_")) return Dimension.MODEL;
    if (name.startsWith("node_")) return Dimension.COMPUTE;
    return null;
  }

  private static Mark mark(Map<Source, Mark> seen, Source source, Dimension dimension, int rank) {
    Mark m = seen.computeIfAbsent(source, k -> new Mark());
    m.feeds(dimension, rank);
    return m;
  }

  private void merge(Map<Source, Mark> seen) {
    seen.forEach((source, mark) -> {
      if (mark.lastMillis == Long.MIN_VALUE) return; // named but never alive (a target that is down)
      Mark kept = sources.get(source);
      if (kept == null) {
        if (sources.size() >= MAX_SOURCES) {
          if (!full) LOG.warn("tracking {} sources already; the silence of newer ones is not watched", MAX_SOURCES);
          full = true;
          return;
        }
        kept = sources.computeIfAbsent(source, k -> new Mark());
      }
      synchronized (kept) {
        kept.saw(mark.lastMillis);
        kept.feeds(mark.dimension, mark.rank);
      }
    });
  }

  /**
   * Every source seen within {@link #FORGET_AFTER_MILLIS} of {@code nowMillis}, the deployments of
   * the inference windows included; older ones are forgotten.
   */
  List<Seen> seen(long nowMillis) {
    for (WindowStats s : windows.stats(InferenceWindows.ONE_HOUR)) {
      Mark m = sources.computeIfAbsent(
          Source.of("deployment", "service", s.key().service(), "deployment", s.key().deployment()), k -> new Mark());
      synchronized (m) {
        m.saw(s.lastSeenMillis());
        m.feeds(Dimension.MODEL, 2);
      }
    }
    List<Seen> out = new ArrayList<>();
    for (var it = sources.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Source, Mark> e = it.next();
      Mark m = e.getValue();
      long last;
      Dimension d;
      synchronized (m) {
        last = m.lastMillis;
        d = m.dimension;
      }
      if (last == Long.MIN_VALUE) continue; // being added by an ingest thread right now
      if (nowMillis - last > FORGET_AFTER_MILLIS) {
        it.remove();
        full = false;
        continue;
      }
      out.add(new Seen(e.getKey(), d, last));
    }
    return out;
  }
}
