package dev.loupe.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Simulated 30-day streams of one deployment, to measure how well a change detector does: per
 * request at 1 request/s on average, aggregated per minute as the server would feed a detector,
 * for three signals — a quality score (0..1, the minute's mean), latency (log-normal) and
 * response length (log-normal output tokens), each of the last two fed as the minute's mean of
 * its logarithm ({@link Feed#LOG_MEAN}) or, as before, the minute's P50 latency and mean length
 * ({@link Feed#P50_AND_MEAN}) — under three scenarios: stationary, an abrupt 20 % shift, and a
 * 10 % change spread linearly over 14 days (quality and length fall, latency rises), starting at
 * a random minute of day 10. Both feeds see the same requests (the same draws).
 *
 * <p>The noise a real deployment shows, beside each request's own spread: traffic with a daily
 * cycle (0.4 to 1.6 requests/s, so a night minute holds ~24 requests and a busy one ~96); latency
 * following load (±15 %); a daily cycle of the quality score (±2 %) and length (±5 %); and a
 * random level per hour standing for the mix of users and prompts (sd 0.5 % of the score, 1 % of
 * latency and length, times {@code hourNoise}). Arrivals per minute are drawn from the normal
 * approximation of a Poisson count. A harder variant adds minutes with a burst of failures ({@code
 * failingMinutesPerDay}): 30 % of the minute's requests fail (score 0, latency × 5, tokens × 0.1),
 * drawn from their own generator so the other draws, and the streams, stay the same.
 */
final class DetectionQualityEvaluation {
  static final long T0 = 1_793_491_200_000L; // 2026-11-01T00:00Z
  static final long MINUTE = 60_000L;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;
  static final int DAYS = 30;

  enum Signal {
    QUALITY(-1),
    LATENCY(+1),
    LENGTH(-1);

    /** Which way a degradation moves it. */
    final int degradation;

    Signal(int degradation) {
      this.degradation = degradation;
    }
  }

  enum Scenario {
    STATIONARY,
    ABRUPT,
    GRADUAL
  }

  /** What the detector is fed per minute for latency and length (the quality score is always its mean). */
  enum Feed {
    /** The minute's mean of log latency and of log tokens: a log-normal's most precise level, and multiplicative swings become additive. */
    LOG_MEAN,
    /** The minute's P50 latency and mean tokens, in their own units. */
    P50_AND_MEAN
  }

  /** What a detector must offer: one aggregate in, maybe a change out. */
  interface Watcher {
    Optional<ChangePoint> update(long timestampMillis, double value);
  }

  /** One signal of one simulated stream: every alarm, and when the change began (or none). */
  record Run(Signal signal, Scenario scenario, long seed, long changeStart, double warmUpDays, List<ChangePoint> alarms) {
    /** Alarms before the change, or all of them on a stationary stream. */
    int falseAlarms() {
      return (int) alarms.stream().filter(a -> changeStart < 0 || a.detectedAtMillis() < changeStart).count();
    }

    Optional<ChangePoint> detection() {
      return changeStart < 0 ? Optional.empty() : alarms.stream().filter(a -> a.detectedAtMillis() >= changeStart).findFirst();
    }

    /** Days of stream before any change, after the first warm-up (later warm-ups are not taken off). */
    double quietDays() {
      return (changeStart < 0 ? DAYS : (changeStart - T0) / (double) DAY) - warmUpDays;
    }
  }

  private DetectionQualityEvaluation() {}

  /** Simulates one 30-day stream and feeds each signal's per-minute aggregate to its own watcher. */
  static List<Run> simulate(long seed, Scenario scenario, double hourNoise, double failingMinutesPerDay, double warmUpDays, Feed feed,
      Supplier<Watcher> watchers) {
    SplittableRandom r = new SplittableRandom(seed * 7919 + scenario.ordinal());
    SplittableRandom failures = new SplittableRandom(seed * 31 + scenario.ordinal() + 777);
    long changeStart = scenario == Scenario.STATIONARY ? -1 : T0 + 10 * DAY + (long) (r.nextDouble() * 1440) * MINUTE;
    int hours = DAYS * 24;
    Map<Signal, double[]> hourLevel = new EnumMap<>(Signal.class);
    for (Signal s : Signal.values()) {
      double sd = hourNoise * (s == Signal.QUALITY ? 0.005 : 0.01);
      double[] h = new double[hours];
      for (int i = 0; i < hours; i++) h[i] = 1 + sd * r.nextGaussian();
      hourLevel.put(s, h);
    }
    Map<Signal, Watcher> watcher = new EnumMap<>(Signal.class);
    Map<Signal, List<ChangePoint>> alarms = new EnumMap<>(Signal.class);
    for (Signal s : Signal.values()) {
      watcher.put(s, watchers.get());
      alarms.put(s, new ArrayList<>());
    }
    double[] latencies = new double[512];
    for (int m = 0; m < DAYS * 1440; m++) {
      long t = T0 + m * MINUTE;
      double hourOfDay = (m % 1440) / 60.0;
      double load = 1 + 0.6 * Math.sin(2 * Math.PI * (hourOfDay - 9) / 24);
      double expected = 60 * load;
      int n = (int) Math.max(0, Math.round(expected + Math.sqrt(expected) * r.nextGaussian()));
      if (n == 0) continue;
      int hour = m / 60;
      double quality = 0.8 * (1 + 0.02 * Math.sin(2 * Math.PI * (hourOfDay - 14) / 24)) * hourLevel.get(Signal.QUALITY)[hour]
          * change(Signal.QUALITY, scenario, changeStart, t);
      double latency = 800 * (1 + 0.25 * (load - 1)) * hourLevel.get(Signal.LATENCY)[hour] * change(Signal.LATENCY, scenario, changeStart, t);
      double length = 300 * (1 + 0.05 * Math.sin(2 * Math.PI * (hourOfDay - 20) / 24)) * hourLevel.get(Signal.LENGTH)[hour]
          * change(Signal.LENGTH, scenario, changeStart, t);
      double qualitySum = 0;
      double lengthSum = 0;
      double latencySum = 0;
      if (latencies.length < n) latencies = new double[n * 2];
      int failed = failingMinutesPerDay > 0 && failures.nextDouble() < failingMinutesPerDay / 1440 ? (int) Math.round(0.3 * n) : 0;
      for (int i = 0; i < n; i++) {
        double score = Math.max(0, Math.min(1, quality + 0.15 * r.nextGaussian()));
        double latencyNoise = 0.5 * r.nextGaussian() + (i < failed ? Math.log(5) : 0);
        double lengthNoise = 0.7 * r.nextGaussian() + (i < failed ? Math.log(0.1) : 0);
        qualitySum += i < failed ? 0 : score;
        if (feed == Feed.LOG_MEAN) {
          latencySum += latencyNoise;
          lengthSum += lengthNoise;
        } else {
          latencies[i] = latency * Math.exp(latencyNoise);
          lengthSum += length * Math.exp(lengthNoise);
        }
      }
      feed(watcher, alarms, Signal.QUALITY, t, qualitySum / n);
      if (feed == Feed.LOG_MEAN) {
        feed(watcher, alarms, Signal.LATENCY, t, Math.log(latency) + latencySum / n);
        feed(watcher, alarms, Signal.LENGTH, t, Math.log(length) + lengthSum / n);
      } else {
        Arrays.sort(latencies, 0, n);
        double p50 = n % 2 == 1 ? latencies[n / 2] : (latencies[n / 2 - 1] + latencies[n / 2]) / 2;
        feed(watcher, alarms, Signal.LATENCY, t, p50);
        feed(watcher, alarms, Signal.LENGTH, t, lengthSum / n);
      }
    }
    List<Run> runs = new ArrayList<>();
    for (Signal s : Signal.values()) runs.add(new Run(s, scenario, seed, changeStart, warmUpDays, alarms.get(s)));
    return runs;
  }

  private static void feed(Map<Signal, Watcher> w, Map<Signal, List<ChangePoint>> alarms, Signal s, long t, double v) {
    w.get(s).update(t, v).ifPresent(alarms.get(s)::add);
  }

  /** The multiplicative change of a signal at time t. */
  static double change(Signal s, Scenario scenario, long changeStart, long t) {
    if (scenario == Scenario.STATIONARY || t < changeStart) return 1;
    double size = scenario == Scenario.ABRUPT ? 0.20 : 0.10 * Math.min(1, (t - changeStart) / (14.0 * DAY));
    return 1 + s.degradation * size;
  }

  /** Every seed and scenario of one detector configuration. */
  static List<Run> evaluate(long[] seeds, double hourNoise, double failingMinutesPerDay, double warmUpDays, Feed feed,
      Supplier<Watcher> watchers) {
    List<Run> runs = new ArrayList<>();
    for (long seed : seeds) {
      for (Scenario sc : Scenario.values()) runs.addAll(simulate(seed, sc, hourNoise, failingMinutesPerDay, warmUpDays, feed, watchers));
    }
    return runs;
  }

  /** False alarms per deployment (all three signals together) per 30 quiet days. */
  static double falseAlarmsPer30Days(List<Run> runs) {
    // each stream is one deployment: its three signals share the quiet days
    double alarms = runs.stream().mapToInt(Run::falseAlarms).sum();
    double days = runs.stream().filter(r -> r.signal() == Signal.QUALITY).mapToDouble(Run::quietDays).sum();
    return alarms / days * 30;
  }

  static String report(String title, List<Run> runs) {
    StringBuilder b = new StringBuilder();
    b.append(title).append('\n');
    b.append(String.format(Locale.ROOT, "false alarms per deployment per 30 days: %.2f (%d alarms over %.0f quiet deployment-days)%n",
        falseAlarmsPer30Days(runs), runs.stream().mapToInt(Run::falseAlarms).sum(),
        runs.stream().filter(r -> r.signal() == Signal.QUALITY).mapToDouble(Run::quietDays).sum()));
    b.append("| signal | change | detected | within target | delay median | delay p90 | delay max | start estimate error p10 / median / p90 |"
        + " false alarms | alarms after the detection |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Scenario sc : Scenario.values()) {
      for (Signal s : Signal.values()) {
        List<Run> cell = runs.stream().filter(r -> r.signal() == s && r.scenario() == sc).toList();
        int falseAlarms = cell.stream().mapToInt(Run::falseAlarms).sum();
        if (sc == Scenario.STATIONARY) {
          b.append(String.format(Locale.ROOT, "| %s | none | — | — | — | — | — | — | %d | — |%n", name(s), falseAlarms));
          continue;
        }
        long[] delays = cell.stream().flatMap(r -> r.detection().stream().map(d -> d.detectedAtMillis() - r.changeStart()))
            .mapToLong(Long::longValue).sorted().toArray();
        long[] startErrors = cell.stream().flatMap(r -> r.detection().stream().map(d -> d.estimatedStartMillis() - r.changeStart()))
            .mapToLong(Long::longValue).sorted().toArray();
        long later = cell.stream().mapToLong(r -> r.detection().map(d -> r.alarms().stream().filter(a -> a.detectedAtMillis() > d.detectedAtMillis()).count())
            .orElse(0L)).sum();
        long target = sc == Scenario.ABRUPT ? HOUR : 3 * DAY;
        long within = Arrays.stream(delays).filter(d -> d <= target).count();
        b.append(String.format(Locale.ROOT, "| %s | %s | %d / %d | %d / %d | %s | %s | %s | %s | %d | %d |%n", name(s),
            sc == Scenario.ABRUPT ? "abrupt 20 %" : "gradual 10 % over 14 d", delays.length, cell.size(), within, cell.size(),
            quantile(delays, 0.5), quantile(delays, 0.9), quantile(delays, 1), quantile(startErrors, 0.1) + " / " + quantile(startErrors, 0.5)
                + " / " + quantile(startErrors, 0.9), falseAlarms, later));
      }
    }
    return b.toString();
  }

  private static String quantile(long[] sorted, double q) {
    return sorted.length == 0 ? "—" : duration(sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  }

  private static String name(Signal s) {
    return switch (s) {
      case QUALITY -> "quality score";
      case LATENCY -> "latency";
      case LENGTH -> "response length";
    };
  }

  static String duration(long millis) {
    String sign = millis < 0 ? "−" : "";
    long m = Math.abs(millis) / MINUTE;
    if (m < 120) return sign + m + " min";
    if (m < 2 * 1440) return String.format(Locale.ROOT, "%s%.1f h", sign, m / 60.0);
    return String.format(Locale.ROOT, "%s%.2f d", sign, m / 1440.0);
  }
}
