package dev.loupe.server;

import dev.loupe.dimension.model.VersionChange;
import dev.loupe.dimension.model.VersionChange.Worse;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.RollupQuery;
import dev.loupe.model.ScorePoint;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import dev.loupe.stats.ChangePoint;
import dev.loupe.stats.PageHinkleyDetector;
import dev.loupe.stats.PageHinkleyParameters;
import dev.loupe.store.Store;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code loupe_quality_degradation{service, deployment, name, direction, since}}: the quality
 * streams of each deployment — the per-minute mean of every score name, across versions — watched
 * by a sequential change detector ({@link PageHinkleyDetector}, standardised) that sees a slow
 * decline no fixed threshold does, and says when it most likely began ({@code since}). A change in
 * the direction that is worse for the score is reported, valued by how much worse (0.10 for a 10 %
 * fall), until the stream recovers (a change back) or {@link #HOLD} after its latest alarm.
 *
 * <p>Minutes are fed once, in time order, when the evaluation time is a minute past their end; at
 * the first evaluation the last {@link #REPLAY} of stored scores are replayed, so a restart resumes
 * where the history says. Scores that arrive for minutes already fed (a back-fill, feedback hours
 * late) make it replay the whole history again, at most every {@link #REPLAY_AT_MOST_EVERY}. Like
 * the silence signal it describes the evaluation time: a backtest of it answers
 * with today's detections. Other names go to the wrapped source.
 */
final class QualityTrendSignals implements SignalSource {
  static final String NAME = "loupe_quality_degradation";
  static final long MINUTE = 60_000;
  static final long DAY = 24 * 60 * MINUTE;
  /** History replayed at the first evaluation: enough for the detector's warm-up and a slow decline. */
  static final long REPLAY = 30 * DAY;
  /** How long a detected change stays reported without a change back. */
  static final long HOLD = 7 * DAY;
  /** The detections kept for the API, newest last. */
  static final int HISTORY = 200;

  private final SignalSource inner;
  private final Store store;
  private final PageHinkleyParameters parameters;
  private final Map<StreamKey, Stream> streams = new HashMap<>();
  private final Deque<Detection> history = new ArrayDeque<>();
  /** Every minute ending at or before this was fed; MIN_VALUE before the first evaluation. */
  private long fedUntil = Long.MIN_VALUE;
  /** Scores arrived for minutes already fed (a back-fill, feedback hours late): replay from scratch. */
  private volatile boolean replayDue;
  private long lastReplayMillis = Long.MIN_VALUE;
  /** Replays are at most this often: late feedback trickles in, a replay reads 30 days. */
  static final long REPLAY_AT_MOST_EVERY = 2 * MINUTE;

  /** One quality stream: a score of a deployment. */
  record StreamKey(String service, String deployment, String name) {}

  /** A change a stream's detector found, and whether it made the score worse. */
  record Detection(StreamKey stream, ChangePoint change, boolean worse) {}

  private static final class Stream {
    final PageHinkleyDetector detector;
    Detection active;

    Stream(PageHinkleyParameters p) {
      detector = new PageHinkleyDetector(p);
    }
  }

  QualityTrendSignals(SignalSource inner, Store store, PageHinkleyParameters parameters) {
    this.inner = inner;
    this.store = store;
    this.parameters = parameters;
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    if (!selector.metricName().equals(NAME)) return inner.range(selector, fromMillis, toMillis);
    List<RangeSeries> out = new ArrayList<>();
    for (Detection d : active(toMillis)) {
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("__name__", NAME);
      labels.put("service", d.stream().service());
      labels.put("deployment", d.stream().deployment());
      labels.put("name", d.stream().name());
      labels.put("direction", d.change().direction().name().toLowerCase(java.util.Locale.ROOT));
      labels.put("since", Instant.ofEpochMilli(d.change().estimatedStartMillis()).truncatedTo(ChronoUnit.MINUTES).toString());
      if (!selector.matches(labels)) continue;
      double change = Math.abs(d.change().relativeChange());
      out.add(new RangeSeries(labels, List.of(new RangeSeries.Point(toMillis, Double.isFinite(change) ? change : 0))));
    }
    return out;
  }

  /** The changes for the worse still reported at {@code nowMillis}, after feeding what is due. */
  synchronized List<Detection> active(long nowMillis) {
    catchUp(nowMillis);
    List<Detection> out = new ArrayList<>();
    for (Stream s : streams.values()) {
      if (s.active != null && nowMillis - s.active.change().detectedAtMillis() > HOLD) s.active = null;
      if (s.active != null) out.add(s.active);
    }
    return out;
  }

  /** Every detection of the streams (worse or not), oldest first, at most {@link #HISTORY}. */
  synchronized List<Detection> detections(long nowMillis) {
    catchUp(nowMillis);
    return List.copyOf(history);
  }

  /**
   * Sees every stored batch: scores of minutes already fed make the next evaluation (at most every
   * {@link #REPLAY_AT_MOST_EVERY}) replay the history from scratch, so a back-fill or late
   * feedback counts where it belongs instead of being skipped.
   */
  void observe(List<dev.loupe.model.Score> stored) {
    long fed = fedUntil;
    if (fed == Long.MIN_VALUE || replayDue) return;
    for (dev.loupe.model.Score s : stored) {
      if (s.key() != null && s.timestampMillis() < fed) {
        replayDue = true;
        return;
      }
    }
  }

  private void catchUp(long nowMillis) {
    // A minute [t − 1m, t) is fed once t is a minute in the past: late scores of it still count.
    long upTo = Math.floorDiv(nowMillis - MINUTE, MINUTE) * MINUTE;
    if (replayDue && (lastReplayMillis == Long.MIN_VALUE || nowMillis - lastReplayMillis >= REPLAY_AT_MOST_EVERY)) {
      replayDue = false;
      streams.clear();
      history.clear();
      fedUntil = Long.MIN_VALUE;
    }
    if (fedUntil == Long.MIN_VALUE) {
      fedUntil = upTo - REPLAY;
      lastReplayMillis = nowMillis;
    }
    while (fedUntil < upTo) {
      long end = Math.min(upTo, fedUntil + DAY);
      feed(store.scoreRange(new RollupQuery(fedUntil + MINUTE, end, MINUTE, MINUTE, List.of())));
      fedUntil = end;
    }
  }

  /** Feeds one chunk of per-minute score points, each stream's minutes in time order. */
  private void feed(List<ScorePoint> points) {
    Map<StreamKey, TreeMap<Long, double[]>> minutes = new HashMap<>();
    for (ScorePoint p : points) {
      StreamKey k = new StreamKey(p.key().service(), p.key().deployment(), p.name());
      double[] sumCount = minutes.computeIfAbsent(k, x -> new TreeMap<>()).computeIfAbsent(p.timeMillis(), t -> new double[2]);
      sumCount[0] += p.sum();
      sumCount[1] += p.count();
    }
    minutes.forEach((k, byMinute) -> {
      Worse worse = VersionChange.worseFor(k.name());
      if (worse == Worse.NEITHER) return;
      Stream s = streams.computeIfAbsent(k, x -> new Stream(parameters));
      byMinute.forEach((t, sc) -> s.detector.update(t, sc[0] / sc[1]).ifPresent(change -> {
        boolean isWorse = (worse == Worse.LOWER) == (change.direction() == ChangePoint.Direction.DECREASE);
        Detection d = new Detection(k, change, isWorse);
        history.addLast(d);
        if (history.size() > HISTORY) history.removeFirst();
        // A change for the worse is reported; one back the other way ends it. A long decline
        // alarms again every few days (the detector re-centres on the new level): one episode,
        // which began when its first alarm says and is as deep as its latest says.
        if (!isWorse) {
          s.active = null;
        } else if (s.active == null) {
          s.active = d;
        } else {
          ChangePoint first = s.active.change();
          s.active = new Detection(k, new ChangePoint(change.direction(), change.detectedAtMillis(),
              first.estimatedStartMillis(), first.levelBefore(), change.levelAfter(), change.statistic()), true);
        }
      }));
    });
  }
}
