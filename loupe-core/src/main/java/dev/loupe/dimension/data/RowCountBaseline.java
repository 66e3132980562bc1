package dev.loupe.dimension.data;

import dev.loupe.model.PipelineRun;
import dev.loupe.stats.RobustBaseline;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's row count against the pipeline's own history: the median and MAD
 * ({@link RobustBaseline}) of the successful runs of the {@value #WEEKS} weeks before it that
 * started on the same weekday (a Monday is compared with Mondays: many pipelines carry a weekly
 * cycle), once {@value #MIN_SAME_WEEKDAY} such runs exist; until then, every day's runs of those
 * weeks, once {@value #MIN_ANY_DAY} exist. Deviations are robust z-scores whose scale is at least
 * {@value #RELATIVE_FLOOR} of the median, so counts that never vary do not make 1 % a disaster.
 */
public record RowCountBaseline(
    long rows, long runStartedAtMillis, String basis, RobustBaseline baseline, double deviation) {
  static final int WEEKS = 8;
  static final int MIN_SAME_WEEKDAY = 4;
  static final int MIN_ANY_DAY = 7;
  static final double RELATIVE_FLOOR = 0.02;

  /** {@code below} or {@code above} the median. */
  public String direction() {
    return deviation < 0 ? "below" : "above";
  }

  /**
   * The baseline of the newest successful run with a row count among {@code runs} (oldest
   * first), or null when there is no such run or too little history.
   */
  static RowCountBaseline of(List<PipelineRun> runs, ZoneId zone) {
    PipelineRun judged = null;
    for (int i = runs.size() - 1; i >= 0 && judged == null; i--) {
      PipelineRun r = runs.get(i);
      if (r.success() && r.rows() != null) judged = r;
    }
    if (judged == null) return null;
    long from = judged.startedAtMillis() - WEEKS * 7 * 86_400_000L;
    DayOfWeek day = weekday(judged.startedAtMillis(), zone);
    List<Double> sameDay = new ArrayList<>();
    List<Double> anyDay = new ArrayList<>();
    for (PipelineRun r : runs) {
      if (r == judged || !r.success() || r.rows() == null) continue;
      if (r.startedAtMillis() < from || r.startedAtMillis() >= judged.startedAtMillis()) continue;
      anyDay.add(r.rows().doubleValue());
      if (weekday(r.startedAtMillis(), zone) == day) sameDay.add(r.rows().doubleValue());
    }
    List<Double> reference;
    String basis;
    if (sameDay.size() >= MIN_SAME_WEEKDAY) {
      reference = sameDay;
      basis = day.getDisplayName(TextStyle.FULL, Locale.ENGLISH) + "s";
    } else if (anyDay.size() >= MIN_ANY_DAY) {
      reference = anyDay;
      basis = "all days";
    } else {
      return null;
    }
    RobustBaseline b = RobustBaseline.of(reference.stream().mapToDouble(Double::doubleValue).toArray());
    return new RowCountBaseline(judged.rows(), judged.startedAtMillis(), basis, b,
        b.deviation(judged.rows(), RELATIVE_FLOOR));
  }

  private static DayOfWeek weekday(long millis, ZoneId zone) {
    return Instant.ofEpochMilli(millis).atZone(zone).getDayOfWeek();
  }
}
