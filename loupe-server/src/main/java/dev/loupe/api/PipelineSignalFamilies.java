package dev.loupe.api;

import dev.loupe.dimension.data.PipelineRuleSignals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The data dimension's pipeline signals on {@code /metrics}, as the rules read them now. */
public final class PipelineSignalFamilies {
  private PipelineSignalFamilies() {}

  /** The pipeline signals for {@code /metrics}, now. */
  public static List<GaugeFamily> families(PipelineRuleSignals signals, long nowMillis) {
    Map<String, List<GaugeFamily.Point>> byName = new LinkedHashMap<>();
    for (String name : PipelineRuleSignals.NOW) byName.put(name, new ArrayList<>());
    for (PipelineRuleSignals.Point p : signals.points(nowMillis)) {
      byName.get(p.name()).add(new GaugeFamily.Point(p.labels(), p.value()));
    }
    List<GaugeFamily> out = new ArrayList<>();
    byName.forEach((name, points) -> {
      if (!points.isEmpty()) out.add(new GaugeFamily(name, HELP.get(name), points));
    });
    return out;
  }

  private static final Map<String, String> HELP = Map.ofEntries(
      Map.entry(PipelineRuleSignals.AGE, "Seconds since the pipeline's last successful run finished (since it was first"
          + " watched when it never succeeded)."),
      Map.entry(PipelineRuleSignals.STALENESS, "Age of the last success over every + max_delay: above 1 is stale."),
      Map.entry(PipelineRuleSignals.STALE, "Seconds the last success is past every + max_delay (0 when fresh)."),
      Map.entry(PipelineRuleSignals.FAILED_RUNS, "Failed runs since the last successful one."),
      Map.entry(PipelineRuleSignals.FAILURE_RATIO, "Failed share of the runs that finished in the last 7 days."),
      Map.entry(PipelineRuleSignals.RUNS, "Runs that finished in the last 7 days."),
      Map.entry(PipelineRuleSignals.CHECK_FAILED, "1 when the check failed in the newest run that reported checks."),
      Map.entry(PipelineRuleSignals.CHECK_VALUE, "The value the newest run that reported checks measured."),
      Map.entry(PipelineRuleSignals.ROWS_DEVIATION, "Robust standard deviations between the newest successful run's"
          + " row count and its weekday baseline (median and MAD of 8 weeks)."),
      Map.entry(PipelineRuleSignals.INDEX_STALE, "Seconds the index a deployment answers from is past its cadence."));

  /** Signal names these families may carry, for the exported-names list of {@code /metrics}. */
  public static final List<String> NAMES = PipelineRuleSignals.NOW;
}
