package dev.loupe.ingest;

import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.Score;
import dev.loupe.model.SeriesKey;
import dev.loupe.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ties each score of a batch to the series (service, deployment, model, version) of the inference
 * it judges, so scores aggregate per deployment and model version: from the batch's own
 * inferences first, else from the store: an inference up to {@link #LOOKBACK} older than the
 * score. A score whose inference is not stored yet keeps no key; the store's
 * {@link Store#attachScores} gives it one once the inference arrives.
 */
public final class ScoreAttachment {
  /** How old an inference a late score (a user's feedback days later) may still judge. */
  public static final Duration LOOKBACK = Duration.ofDays(7);
  /** Ids looked up in one store query. */
  private static final int CHUNK = 500;

  private final Store store;
  private final Clock clock;

  public ScoreAttachment(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The batch with every score's key filled in where its inference is known. */
  public Batch attach(Batch batch) {
    if (batch.scores().stream().allMatch(s -> s.key() != null)) return batch;
    Map<String, SeriesKey> byRequest = new HashMap<>();
    Map<String, SeriesKey> byTrace = new HashMap<>();
    index(batch.inferences(), byRequest, byTrace);
    Set<String> requests = new LinkedHashSet<>();
    Set<String> traces = new LinkedHashSet<>();
    long oldest = Long.MAX_VALUE;
    for (Score s : batch.scores()) {
      if (s.key() != null || find(s, byRequest, byTrace) != null) continue;
      if (s.requestId() != null) requests.add(s.requestId());
      if (s.traceId() != null) traces.add(s.traceId());
      oldest = Math.min(oldest, s.timestampMillis());
    }
    if (oldest != Long.MAX_VALUE) lookUp(new ArrayList<>(requests), new ArrayList<>(traces), oldest, byRequest, byTrace);
    List<Score> scores = new ArrayList<>(batch.scores().size());
    for (Score s : batch.scores()) {
      SeriesKey key = s.key() != null ? s.key() : find(s, byRequest, byTrace);
      scores.add(key == s.key() ? s : s.withKey(key));
    }
    return batch.withScores(scores);
  }

  /**
   * The newest stored inference of each of these ids (keyed {@code r:ID} and {@code t:ID}), of those
   * no more than {@link #LOOKBACK} older than {@code judgedAtMillis}, the earliest verdict's time:
   * a back-filled score finds the back-filled inference it judges.
   */
  public Map<String, Inference> inferences(List<String> requestIds, List<String> traceIds, long judgedAtMillis) {
    Map<String, Inference> out = new HashMap<>();
    long since = Math.min(judgedAtMillis, clock.millis()) - LOOKBACK.toMillis();
    for (int from = 0; from < requestIds.size(); from += CHUNK) {
      List<String> ids = requestIds.subList(from, Math.min(requestIds.size(), from + CHUNK));
      for (Inference i : store.inferencesByIds(ids, List.of(), since, Integer.MAX_VALUE)) {
        out.putIfAbsent("r:" + i.requestId(), i);
      }
    }
    for (int from = 0; from < traceIds.size(); from += CHUNK) {
      List<String> ids = traceIds.subList(from, Math.min(traceIds.size(), from + CHUNK));
      for (Inference i : store.inferencesByIds(List.of(), ids, since, Integer.MAX_VALUE)) {
        out.putIfAbsent("t:" + i.traceId(), i);
      }
    }
    return out;
  }

  private void lookUp(List<String> requests, List<String> traces, long judgedAtMillis,
      Map<String, SeriesKey> byRequest, Map<String, SeriesKey> byTrace) {
    if (requests.isEmpty() && traces.isEmpty()) return;
    inferences(requests, traces, judgedAtMillis).forEach((id, i) -> {
      if (id.startsWith("r:")) byRequest.put(i.requestId(), i.key()); else byTrace.put(i.traceId(), i.key());
    });
  }

  private static void index(List<Inference> inferences, Map<String, SeriesKey> byRequest, Map<String, SeriesKey> byTrace) {
    for (Inference i : inferences) {
      // Later in the batch wins, as the newest stored one does.
      if (i.requestId() != null) byRequest.put(i.requestId(), i.key());
      if (i.traceId() != null) byTrace.put(i.traceId(), i.key());
    }
  }

  private static SeriesKey find(Score s, Map<String, SeriesKey> byRequest, Map<String, SeriesKey> byTrace) {
    SeriesKey k = s.requestId() == null ? null : byRequest.get(s.requestId());
    return k != null || s.traceId() == null ? k : byTrace.get(s.traceId());
  }
}
