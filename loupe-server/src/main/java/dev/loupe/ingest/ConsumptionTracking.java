package dev.loupe.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.dimension.security.ConsumptionBaseline;
import dev.loupe.dimension.security.ConsumptionSettings;
import dev.loupe.dimension.security.ConsumptionState;
import dev.loupe.dimension.security.ConsumptionSubject;
import dev.loupe.dimension.security.CostConcentration;
import dev.loupe.dimension.security.SecurityFinding;
import dev.loupe.model.Batch;
import dev.loupe.model.Dimension;
import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.store.SecurityRecords;
import dev.loupe.store.StoredFinding;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anomalous consumption: each new inference's usage (a request, its tokens, a 429, its cost) is
 * added to its API key's, user's and tenant's hour; {@link #check} (every minute) stores the
 * hours, feeds each closed hour to the subject's {@link ConsumptionBaseline} in time order, judges
 * the open hour on a copy of it (a burst is found within the minute, not when the hour ends; only
 * usage so far counts, never a projection), and checks {@link CostConcentration} over the last
 * 24 h against the 24 h before. Usage and baselines are kept in the store, so a restart keeps them.
 *
 * <p>Every subject is new to a Loupe that just started: heavy use of a subject first seen within
 * {@code newKeyHours} of the first start is not reported as a new key's.
 */
public final class ConsumptionTracking {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumptionTracking.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long HOUR = 3_600_000L;
  /** An hour is closed (fed for good) this long after it ends: late inferences still count. */
  static final long GRACE = 5 * 60_000L;
  /** Hours kept in memory: the last two days, for concentration against the day before. */
  static final long KEEP = 49 * HOUR;
  static final String STATE = "consumption";
  static final String META = "consumption_meta";

  private record Key(long hour, ConsumptionSubject subject) {}

  private static final class Counts {
    long requests;
    long tokens;
    long throttled;
    double cost;
  }

  private final SecurityRecords records;
  private final ConsumptionSettings settings;
  private final Clock clock;
  private final long trackingSince;
  private final Map<Key, Counts> usage = new HashMap<>();
  private final Set<Key> dirty = new HashSet<>();
  private final Map<ConsumptionSubject, ConsumptionBaseline> baselines = new HashMap<>();
  private final Map<String, String> storedStates;
  private volatile long lastObservedMillis;

  public ConsumptionTracking(SecurityRecords records, ConsumptionSettings settings, Clock clock) {
    this.records = records;
    this.settings = settings;
    this.clock = clock;
    long now = clock.millis();
    Map<String, String> meta = records.states(META);
    long since;
    try {
      since = Long.parseLong(meta.getOrDefault("tracking_since", ""));
    } catch (NumberFormatException first) {
      since = now;
      records.saveStates(META, Map.of("tracking_since", Long.toString(now)), now);
    }
    this.trackingSince = since;
    this.storedStates = new HashMap<>(records.states(STATE));
    for (SecurityRecords.Usage u : records.usage(hourOf(now) - KEEP, Long.MAX_VALUE)) {
      Counts c = new Counts();
      c.requests = u.requests();
      c.tokens = u.tokens();
      c.throttled = u.throttled();
      c.cost = u.cost();
      usage.put(new Key(u.hourMillis(), new ConsumptionSubject(kind(u.subjectKind()), u.subject())), c);
      lastObservedMillis = Math.max(lastObservedMillis, u.hourMillis());
    }
  }

  /** Adds the usage of newly stored inferences (a re-sent one, not stored again, is not counted again). */
  synchronized void record(List<Inference> stored, Batch batch) {
    if (stored.isEmpty()) return;
    boolean any = false;
    for (Inference i : stored) {
      String user = batch.contextOf(i).user();
      any |= add(i, ConsumptionSubject.Kind.API_KEY, i.apiKeyHash());
      any |= add(i, ConsumptionSubject.Kind.USER, user);
      any |= add(i, ConsumptionSubject.Kind.TENANT, i.tenant());
    }
    // Usage of no one (no key, user or tenant) is nothing the detectors can judge.
    if (any) lastObservedMillis = clock.millis();
  }

  private boolean add(Inference i, ConsumptionSubject.Kind kind, String id) {
    if (id == null || id.isBlank()) return false;
    Key key = new Key(hourOf(i.timestampMillis()), new ConsumptionSubject(kind, id));
    Counts c = usage.computeIfAbsent(key, k -> new Counts());
    c.requests++;
    c.tokens += i.totalTokens() == null ? 0 : i.totalTokens();
    if (i.outcome() == Outcome.THROTTLED || Integer.valueOf(429).equals(i.httpStatus())) c.throttled++;
    if (i.cost() != null) c.cost += i.cost();
    dirty.add(key);
    return true;
  }

  /** When usage was last recorded (0: never). */
  public long lastObservedMillis() {
    return lastObservedMillis;
  }

  /**
   * Stores the hours that changed, judges every subject's new hours and the spend of the last day,
   * and stores the findings (a finding already stored is not stored again); returns the new ones.
   */
  public synchronized List<StoredFinding> check() {
    long now = clock.millis();
    List<SecurityRecords.Usage> changed = new ArrayList<>(dirty.size());
    for (Key k : dirty) {
      Counts c = usage.get(k);
      changed.add(new SecurityRecords.Usage(k.hour(), k.subject().kind().wireName(), k.subject().id(), c.requests,
          c.tokens, c.throttled, c.cost));
    }
    records.upsertUsage(changed);
    dirty.clear();

    Map<ConsumptionSubject, TreeMap<Long, Counts>> bySubject = new HashMap<>();
    usage.forEach((k, c) -> bySubject.computeIfAbsent(k.subject(), s -> new TreeMap<>()).put(k.hour(), c));
    List<StoredFinding> findings = new ArrayList<>();
    Map<String, String> states = new HashMap<>();
    for (Map.Entry<ConsumptionSubject, TreeMap<Long, Counts>> e : bySubject.entrySet()) {
      ConsumptionSubject subject = e.getKey();
      ConsumptionBaseline baseline = baseline(subject);
      long lastFed = baseline.state().lastHourMillis();
      ConsumptionBaseline open = null;
      boolean learnt = false;
      for (Map.Entry<Long, Counts> h : e.getValue().entrySet()) {
        long hour = h.getKey();
        if (hour <= lastFed) continue;
        dev.loupe.dimension.security.UsageHour u = new dev.loupe.dimension.security.UsageHour(hour,
            h.getValue().requests, h.getValue().tokens, h.getValue().throttled, Math.max(0, h.getValue().cost));
        List<SecurityFinding> found;
        if (hour + HOUR + GRACE <= now && open == null) {
          found = baseline.observe(u);
          learnt = true;
        } else {
          // The hour is still filling: judged on a copy, so the baseline never learns a part of it.
          if (open == null) open = ConsumptionBaseline.restore(subject, settings, baseline.state());
          found = open.observe(u);
        }
        for (SecurityFinding f : found) {
          if (f.kind().equals("new_key_heavy_use") && firstSeenEarly(f)) continue;
          findings.add(stored(f, subject, hour, hour));
        }
      }
      if (learnt) states.put(key(subject), json(baseline.state()));
    }
    long day = 24 * HOUR;
    long currentHour = hourOf(now);
    for (ConsumptionSubject.Kind kind : ConsumptionSubject.Kind.values()) {
      Map<String, Double> last = spend(kind, now - day, now + 1);
      Map<String, Double> before = spend(kind, now - 2 * day, now - day);
      double total = before.values().stream().mapToDouble(Double::doubleValue).sum();
      Map<String, Double> previousShares = new HashMap<>();
      if (total > 0) before.forEach((id, v) -> previousShares.put(id, v / total));
      for (SecurityFinding f : CostConcentration.check(kind, last, previousShares, "the last 24 h", settings)) {
        ConsumptionSubject subject = new ConsumptionSubject(kind, f.evidence().get("subject"));
        findings.add(stored(f, subject, currentHour, Math.floorDiv(now, 60_000L) * 60_000L));
      }
    }
    List<StoredFinding> added = records.appendFindings(findings);
    records.saveStates(STATE, states, now);
    usage.keySet().removeIf(k -> k.hour() < currentHour - KEEP);
    return added;
  }

  /** Spend per subject of one kind over hours starting in {@code [from, to)}. */
  private Map<String, Double> spend(ConsumptionSubject.Kind kind, long from, long to) {
    Map<String, Double> out = new HashMap<>();
    usage.forEach((k, c) -> {
      if (k.subject().kind() == kind && k.hour() >= hourOf(from) && k.hour() < to && c.cost > 0) {
        out.merge(k.subject().id(), c.cost, Double::sum);
      }
    });
    return out;
  }

  private boolean firstSeenEarly(SecurityFinding f) {
    String first = f.evidence().get("first_seen");
    if (first == null) return false;
    try {
      return java.time.Instant.parse(first).toEpochMilli() < trackingSince + settings.newKeyHours() * HOUR;
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  private ConsumptionBaseline baseline(ConsumptionSubject subject) {
    return baselines.computeIfAbsent(subject, s -> {
      String json = storedStates.remove(key(s));
      if (json != null) {
        try {
          return ConsumptionBaseline.restore(s, settings, JSON.readValue(json, ConsumptionState.class));
        } catch (JsonProcessingException | RuntimeException e) {
          LOG.warn("the consumption baseline of a {} cannot be read; it is learnt again: {}", s.kind().wireName(),
              e.getClass().getSimpleName());
        }
      }
      return ConsumptionBaseline.create(s, settings);
    });
  }

  private static StoredFinding stored(SecurityFinding f, ConsumptionSubject s, long hour, long timeMillis) {
    String id = SecurityScanning.id("consumption", f.kind(), s.kind().wireName(), s.id(), Long.toString(hour));
    StoredFinding.Subject subject = switch (s.kind()) {
      case API_KEY -> new StoredFinding.Subject(null, null, s.id(), null, null, null, null, null);
      case USER -> new StoredFinding.Subject(null, null, null, null, s.id(), null, null, null);
      case TENANT -> new StoredFinding.Subject(null, null, null, s.id(), null, null, null, null);
    };
    return new StoredFinding(id, timeMillis, Dimension.SECURITY, f.kind(), f.severity(), f.reason(), subject,
        f.evidence());
  }

  private static String key(ConsumptionSubject s) {
    return s.kind().wireName() + ":" + s.id();
  }

  private static ConsumptionSubject.Kind kind(String wire) {
    return ConsumptionSubject.Kind.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
  }

  private static String json(ConsumptionState state) {
    try {
      return JSON.writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a consumption baseline's state cannot be written", e);
    }
  }

  private static long hourOf(long millis) {
    return Math.floorDiv(millis, HOUR) * HOUR;
  }
}
