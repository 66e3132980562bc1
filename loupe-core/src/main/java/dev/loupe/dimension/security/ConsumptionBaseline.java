package dev.loupe.dimension.security;

import dev.loupe.model.Severity;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One subject's consumption baseline and the detectors that read it, fed one hour at a time:
 *
 * <pre>{@code
 * ConsumptionBaseline b = ConsumptionBaseline.create(new ConsumptionSubject(API_KEY, keyHash), settings);
 * List<SecurityFinding> found = b.observe(new UsageHour(hourStart, requests, tokens, throttled, cost));
 * store(b.state());   // later ConsumptionBaseline.restore(subject, settings, state)
 * }</pre>
 *
 * <p>The baseline is seasonal and robust: an EWMA of log usage per hour of day, apart for
 * weekdays and weekends (48 slots), falling back to the all-hours EWMA while a slot has seen
 * fewer than 3 hours; the spread is the median absolute deviation of the last 48 residuals. An
 * hour far above it (robust z and ratio and an absolute floor) is a {@code consumption_spike};
 * the baseline then learns the hour clipped to 3 spreads above expected, so an attack does not
 * become normal within hours. Also: {@code new_key_heavy_use} (heavy use within the first day),
 * {@code unusual_hour} (traffic at an hour of day never used in a week of history) and
 * {@code repeated_throttling} (many 429s). Hours must come in time order; an hour at or before
 * the last one is judged but not learnt. Not thread-safe.
 */
public final class ConsumptionBaseline {
  static final int SLOTS = 48;
  static final int RESIDUALS = 48;
  private static final double SLOT_ALPHA = 0.3;
  private static final double OVERALL_ALPHA = 0.05;
  private static final int MIN_SLOT_HOURS = 3;
  /** Smallest spread, in log units: ±25 % from hour to hour is never news. */
  private static final double MIN_SCALE = 0.25;
  private static final double MAD_TO_SIGMA = 1.4826;
  private static final double CLIP_SPREADS = 3;
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  private final ConsumptionSubject subject;
  private final ConsumptionSettings settings;
  private final double[] tokenLevel;
  private final double[] requestLevel;
  private final int[] slotCount;
  private double tokenOverall;
  private double requestOverall;
  private final float[] tokenResiduals;
  private final float[] requestResiduals;
  private int residuals;
  private int hourMask;
  private long firstSeen;
  private long lastHour;
  private long activeHours;
  private boolean newKeyReported;

  private ConsumptionBaseline(ConsumptionSubject subject, ConsumptionSettings settings, ConsumptionState s) {
    this.subject = subject;
    this.settings = settings;
    this.tokenLevel = s.tokenLevel();
    this.requestLevel = s.requestLevel();
    this.slotCount = s.slotCount();
    this.tokenOverall = s.tokenOverall();
    this.requestOverall = s.requestOverall();
    this.tokenResiduals = s.tokenResiduals();
    this.requestResiduals = s.requestResiduals();
    this.residuals = s.residuals();
    this.hourMask = s.hourMask();
    this.firstSeen = s.firstSeenMillis();
    this.lastHour = s.lastHourMillis();
    this.activeHours = s.activeHours();
    this.newKeyReported = s.newKeyReported();
  }

  public static ConsumptionBaseline create(ConsumptionSubject subject, ConsumptionSettings settings) {
    return new ConsumptionBaseline(subject, settings, new ConsumptionState(new double[SLOTS], new double[SLOTS],
        new int[SLOTS], 0, 0, new float[RESIDUALS], new float[RESIDUALS], 0, 0, 0, 0, 0, false));
  }

  public static ConsumptionBaseline restore(ConsumptionSubject subject, ConsumptionSettings settings, ConsumptionState state) {
    return new ConsumptionBaseline(subject, settings, state);
  }

  public ConsumptionState state() {
    return new ConsumptionState(tokenLevel, requestLevel, slotCount, tokenOverall, requestOverall, tokenResiduals,
        requestResiduals, residuals, hourMask, firstSeen, lastHour, activeHours, newKeyReported);
  }

  /** Tokens expected in the hour starting at {@code hourStartMillis}; 0 before any history. */
  public double expectedTokens(long hourStartMillis) {
    return Math.expm1(expected(tokenLevel, tokenOverall, slot(hourStartMillis)));
  }

  public double expectedRequests(long hourStartMillis) {
    return Math.expm1(expected(requestLevel, requestOverall, slot(hourStartMillis)));
  }

  public List<SecurityFinding> observe(UsageHour hour) {
    long at = hour.hourStartMillis();
    boolean active = hour.requests() > 0 || hour.tokens() > 0;
    if (firstSeen == 0 && active) firstSeen = at;
    ZonedDateTime time = Instant.ofEpochMilli(at).atZone(settings.zone());
    int slot = slot(time);
    int bit = 1 << time.getHour();
    List<SecurityFinding> out = new ArrayList<>(0);

    if (active && !newKeyReported && at - firstSeen < settings.newKeyHours() * HOUR
        && (hour.tokens() >= settings.newKeyHeavyTokens() || hour.requests() >= settings.newKeyHeavyRequests())) {
      newKeyReported = true;
      Map<String, String> e = evidence(hour);
      e.put("first_seen", Instant.ofEpochMilli(firstSeen).toString());
      out.add(new SecurityFinding("new_key_heavy_use", Severity.WARNING, subject.describe() + ", first seen "
          + hoursAgo(at - firstSeen) + ", used " + count(hour.tokens()) + " tokens in " + count(hour.requests())
          + " requests in one hour", e));
    }

    double tokenScale = scale(tokenResiduals);
    double requestScale = scale(requestResiduals);
    double expectedTokens = expected(tokenLevel, tokenOverall, slot);
    double expectedRequests = expected(requestLevel, requestOverall, slot);
    if (activeHours >= settings.warmupHours()) {
      double zTokens = (Math.log1p(hour.tokens()) - expectedTokens) / tokenScale;
      double zRequests = (Math.log1p(hour.requests()) - expectedRequests) / requestScale;
      double ratioTokens = hour.tokens() / Math.max(1, Math.expm1(expectedTokens));
      double ratioRequests = hour.requests() / Math.max(1, Math.expm1(expectedRequests));
      boolean tokenSpike = zTokens >= settings.spikeScore() && ratioTokens >= settings.spikeRatio()
          && hour.tokens() >= settings.minSpikeTokens();
      boolean requestSpike = zRequests >= settings.spikeScore() && ratioRequests >= settings.spikeRatio()
          && hour.requests() >= settings.minSpikeRequests();
      if (tokenSpike || requestSpike) {
        Map<String, String> e = evidence(hour);
        e.put("expected_tokens", Long.toString(Math.round(Math.expm1(expectedTokens))));
        e.put("expected_requests", Long.toString(Math.round(Math.expm1(expectedRequests))));
        e.put("token_ratio", fmt(ratioTokens));
        e.put("request_ratio", fmt(ratioRequests));
        e.put("token_robust_z", fmt(zTokens));
        e.put("request_robust_z", fmt(zRequests));
        String reason = tokenSpike
            ? count(hour.tokens()) + " tokens in the hour from " + hhmm(time) + ", " + times(ratioTokens) + " the usual "
                + count(Math.round(Math.expm1(expectedTokens)))
            : count(hour.requests()) + " requests in the hour from " + hhmm(time) + ", " + times(ratioRequests)
                + " the usual " + count(Math.round(Math.expm1(expectedRequests)));
        out.add(new SecurityFinding("consumption_spike", Severity.WARNING, subject.describe() + " used " + reason, e));
      }
    }

    if (hour.requests() >= settings.unusualHourMinRequests() && (hourMask & bit) == 0 && activeHours >= 24
        && at - firstSeen >= settings.unusualHourHistoryDays() * DAY) {
      Map<String, String> e = evidence(hour);
      e.put("hour_of_day", Integer.toString(time.getHour()));
      e.put("active_hours_of_day", Integer.toString(Integer.bitCount(hourMask)));
      out.add(new SecurityFinding("unusual_hour", Severity.WARNING, subject.describe() + " made "
          + count(hour.requests()) + " requests at " + hhmm(time) + " " + settings.zone().getId()
          + ", an hour of day it never used in " + (at - firstSeen) / DAY + " days", e));
    }

    if (hour.throttled() >= settings.throttledMin()
        && hour.throttled() >= settings.throttledShare() * Math.max(1, hour.requests())) {
      Map<String, String> e = evidence(hour);
      e.put("throttled_share", fmt((double) hour.throttled() / Math.max(1, hour.requests())));
      out.add(new SecurityFinding("repeated_throttling", Severity.WARNING, subject.describe() + " was throttled (429) "
          + count(hour.throttled()) + " times in " + count(hour.requests()) + " requests in the hour from " + hhmm(time),
          e));
    }

    if (at > lastHour) {
      lastHour = at;
      if (active) {
        hourMask |= bit;
        activeHours++;
      }
      boolean warm = activeHours > settings.warmupHours();
      learn(tokenLevel, tokenResiduals, Math.log1p(hour.tokens()), expectedTokens, tokenScale, slot, warm, true);
      learn(requestLevel, requestResiduals, Math.log1p(hour.requests()), expectedRequests, requestScale, slot, warm, false);
      slotCount[slot]++;
      residuals++;
    }
    return out;
  }

  private void learn(double[] level, float[] ring, double value, double expected, double scale, int slot, boolean warm,
      boolean tokens) {
    // Robust update: once warm, an hour counts at most 3 spreads above what was expected.
    double v = warm ? Math.min(value, expected + CLIP_SPREADS * scale) : value;
    if (slotCount[slot] > 0 || residuals > 0) ring[residuals % RESIDUALS] = (float) (v - expected);
    level[slot] = slotCount[slot] == 0 ? v : level[slot] + SLOT_ALPHA * (v - level[slot]);
    if (tokens) {
      tokenOverall = residuals == 0 ? v : tokenOverall + OVERALL_ALPHA * (v - tokenOverall);
    } else {
      requestOverall = residuals == 0 ? v : requestOverall + OVERALL_ALPHA * (v - requestOverall);
    }
  }

  private double expected(double[] level, double overall, int slot) {
    return slotCount[slot] >= MIN_SLOT_HOURS ? level[slot] : overall;
  }

  /** 1.4826 × the median absolute deviation of the recent residuals, at least {@link #MIN_SCALE}. */
  private double scale(float[] ring) {
    int n = Math.min(residuals, RESIDUALS);
    if (n < 4) return 1.0; // too little history for a spread: assume a wide one
    double[] r = new double[n];
    for (int k = 0; k < n; k++) r[k] = ring[k];
    double median = median(r);
    for (int k = 0; k < n; k++) r[k] = Math.abs(r[k] - median);
    return Math.max(MIN_SCALE, MAD_TO_SIGMA * median(r));
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private int slot(long millis) {
    return slot(Instant.ofEpochMilli(millis).atZone(settings.zone()));
  }

  private static int slot(ZonedDateTime t) {
    boolean weekend = t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY;
    return (weekend ? 24 : 0) + t.getHour();
  }

  private Map<String, String> evidence(UsageHour hour) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("subject_kind", subject.kind().wireName());
    e.put("subject", subject.id());
    e.put("hour", Instant.ofEpochMilli(hour.hourStartMillis()).toString());
    e.put("tokens", Long.toString(hour.tokens()));
    e.put("requests", Long.toString(hour.requests()));
    if (hour.throttled() > 0) e.put("throttled", Long.toString(hour.throttled()));
    if (hour.cost() > 0) e.put("cost", fmt(hour.cost()));
    return e;
  }

  private static String hoursAgo(long millis) {
    long h = millis / HOUR;
    return h == 0 ? "this hour" : h + " h before";
  }

  private static String hhmm(ZonedDateTime t) {
    return String.format(Locale.ROOT, "%02d:00", t.getHour());
  }

  private static String times(double ratio) {
    return ratio >= 10 ? Math.round(ratio) + "×" : String.format(Locale.ROOT, "%.1f×", ratio);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
