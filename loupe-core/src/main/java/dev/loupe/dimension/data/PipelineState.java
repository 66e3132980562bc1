package dev.loupe.dimension.data;

import dev.loupe.model.PipelineRun;
import java.util.ArrayList;
import java.util.List;

/**
 * One pipeline as of a moment: its runs summed up into what the data dimension judges.
 *
 * @param cadence expected cadence, null when neither configured nor learnt yet
 * @param lastRun the newest run by start, null when none finished yet
 * @param lastSuccess the newest successful run, null when none
 * @param lastSuccessAgeMillis since the last success finished; with none, since the pipeline was
 *     first watched (its first run, or Loupe's start if earlier)
 * @param consecutiveFailures failed runs since the last success (0 when the newest succeeded)
 * @param runsWeek runs finished in the 7 days before the moment
 * @param failedWeek of them, failed
 * @param checks the checks of the newest run that reported any
 * @param rows the newest successful run's row count against its baseline, null without one
 * @param feeds deployments answering from the pipeline's index: configured, then seen in traces
 */
public record PipelineState(
    PipelineSpec spec,
    Cadence cadence,
    PipelineRun lastRun,
    PipelineRun lastSuccess,
    long lastSuccessAgeMillis,
    int consecutiveFailures,
    int runsWeek,
    int failedWeek,
    List<PipelineRun.Check> checks,
    RowCountBaseline rows,
    List<String> feeds) {
  static final long WEEK = 7 * 86_400_000L;

  public String name() {
    return spec.name();
  }

  /** Age of the last success over {@code every + max_delay}: above 1 is stale. Null without a cadence. */
  public Double stalenessRatio() {
    return cadence == null ? null : lastSuccessAgeMillis / (double) cadence.allowedMillis();
  }

  /** How long past {@code every + max_delay} the last success is (0 when fresh); null without a cadence. */
  public Long staleMillis() {
    return cadence == null ? null : Math.max(0, lastSuccessAgeMillis - cadence.allowedMillis());
  }

  /** Failed share of the week's runs; null without runs that week. */
  public Double failureRatioWeek() {
    return runsWeek == 0 ? null : failedWeek / (double) runsWeek;
  }

  public List<PipelineRun.Check> failedChecks() {
    return checks.stream().filter(c -> !c.passed()).toList();
  }

  /** The state of {@code spec} from its runs (oldest start first) that finished by {@code asOfMillis}. */
  static PipelineState of(PipelineSpec spec, List<PipelineRun> runs, long asOfMillis, long watchedSinceMillis,
      List<String> tracedFeeds, java.time.ZoneId zone) {
    PipelineRun last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    PipelineRun success = null;
    int failures = 0;
    for (int i = runs.size() - 1; i >= 0; i--) {
      if (runs.get(i).success()) {
        success = runs.get(i);
        break;
      }
      failures++;
    }
    long since = success != null ? success.finishedAtMillis()
        : runs.isEmpty() ? watchedSinceMillis : Math.min(runs.get(0).startedAtMillis(), watchedSinceMillis);
    int week = 0;
    int failedWeek = 0;
    List<PipelineRun.Check> checks = List.of();
    for (PipelineRun r : runs) {
      if (r.finishedAtMillis() > asOfMillis - WEEK) {
        week++;
        if (!r.success()) failedWeek++;
      }
      if (!r.checks().isEmpty()) checks = r.checks();
    }
    List<String> feeds = new ArrayList<>(spec.feeds());
    for (String d : tracedFeeds) if (!feeds.contains(d)) feeds.add(d);
    return new PipelineState(spec, Cadence.of(spec, runs), last, success, Math.max(0, asOfMillis - since), failures,
        week, failedWeek, checks, RowCountBaseline.of(runs, zone), feeds);
  }
}
