package dev.loupe.dimension.compute;

import static dev.loupe.dimension.SustainedThreshold.level;

import dev.loupe.dimension.SustainedThreshold;
import java.time.Duration;

/**
 * Every number the compute dimension judges by, in one place, as data.
 *
 * <ul>
 *   <li>{@code trainingUtilization}, {@code inferenceUtilization}: GPU utilization (%) per
 *       workload class. By default a training GPU is a warning below 30 % and critical below 10 %,
 *       each sustained 15 m; an inference GPU is not judged on utilization at all.
 *   <li>{@code framebuffer}: framebuffer used (% of used + free + reserved): warning above 85 %,
 *       critical above 95 %, each for 5 m.
 *   <li>{@code temperature}: GPU temperature (°C): warning above 78 for 5 m, critical above 83 for
 *       2 m.
 *   <li>{@code eccReportedFor}: an increase of the double-bit ECC counter is critical from the
 *       sample that shows it until this long after the last increase (default 1 h).
 *   <li>{@code xidReportedFor}: a new XID code is a warning from its first sighting until this
 *       long after it was last seen (default 1 h).
 *   <li>{@code staleAfter}: a GPU with no sample for longer is reported stale instead of judged on
 *       old data (default 5 m); it is also the longest gap a sustained condition bridges.
 *   <li>{@code forgetAfter}: a GPU silent for longer is dropped (default 24 h), so a node taken
 *       out of service does not warn for ever.
 * </ul>
 */
public record ComputeThresholds(
    SustainedThreshold trainingUtilization,
    SustainedThreshold inferenceUtilization,
    SustainedThreshold framebuffer,
    SustainedThreshold temperature,
    Duration eccReportedFor,
    Duration xidReportedFor,
    Duration staleAfter,
    Duration forgetAfter) {

  public static final ComputeThresholds DEFAULTS =
      new ComputeThresholds(
          SustainedThreshold.below(level(30, Duration.ofMinutes(15)), level(10, Duration.ofMinutes(15)), 5),
          SustainedThreshold.disabled(),
          SustainedThreshold.above(level(85, Duration.ofMinutes(5)), level(95, Duration.ofMinutes(5)), 2),
          SustainedThreshold.above(level(78, Duration.ofMinutes(5)), level(83, Duration.ofMinutes(2)), 2),
          Duration.ofHours(1),
          Duration.ofHours(1),
          Duration.ofMinutes(5),
          Duration.ofHours(24));

  public ComputeThresholds {
    require("training utilization", trainingUtilization);
    require("inference utilization", inferenceUtilization);
    require("framebuffer", framebuffer);
    require("temperature", temperature);
    positive("ECC reported-for", eccReportedFor);
    positive("XID reported-for", xidReportedFor);
    positive("stale-after", staleAfter);
    positive("forget-after", forgetAfter);
    if (forgetAfter.compareTo(staleAfter) < 0) {
      throw new IllegalArgumentException("forget-after must not be shorter than stale-after");
    }
  }

  /** The utilization threshold of a workload class. */
  public SustainedThreshold utilization(WorkloadClass workloadClass) {
    return workloadClass == WorkloadClass.TRAINING ? trainingUtilization : inferenceUtilization;
  }

  private static void require(String what, SustainedThreshold t) {
    if (t == null) throw new IllegalArgumentException(what + " threshold is required (use SustainedThreshold.disabled())");
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " duration must be positive");
    }
  }
}
