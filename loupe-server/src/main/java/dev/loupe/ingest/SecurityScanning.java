package dev.loupe.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.dimension.security.CapturePolicy;
import dev.loupe.dimension.security.CompletionLengthBaseline;
import dev.loupe.dimension.security.CompletionLengthState;
import dev.loupe.dimension.security.InjectionThreshold;
import dev.loupe.dimension.security.InjectionThresholdState;
import dev.loupe.dimension.security.ScanInput;
import dev.loupe.dimension.security.SecurityFinding;
import dev.loupe.dimension.security.SecurityScan;
import dev.loupe.dimension.security.SecurityScanner;
import dev.loupe.dimension.security.SecuritySettings;
import dev.loupe.model.Dimension;
import dev.loupe.model.Inference;
import dev.loupe.store.SecurityRecords;
import dev.loupe.store.StoredFinding;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security text detectors at ingest, off the request thread: each new inference's texts
 * (prompt, system prompt, completion, tool-call arguments, retrieved documents), read before the
 * capture policy dropped or redacted them, wait in a bounded queue for one worker that runs
 * {@link SecurityScanner} with the deployment's learnt {@link InjectionThreshold}, then stores the
 * findings (evidence redacted unless the policy is full) and the per-minute scan counts. The same
 * worker feeds each scanned inference's output tokens to its deployment's
 * {@link CompletionLengthBaseline}: a completion far longer than the deployment's usual is a
 * {@code long_completion} finding. A full queue drops the inference and counts it: ingest never
 * waits for detection. The texts live only in memory, until their scan is done. Thresholds and
 * length baselines are kept in the store, so a restart keeps them.
 */
public final class SecurityScanning implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecurityScanning.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String THRESHOLD_STATE = "injection_threshold";
  static final String LENGTH_STATE = "completion_length";
  /** Inferences scanned between writes of findings and counts. */
  private static final int GROUP = 256;
  /** How often learnt thresholds are written to the store. */
  static final long SAVE_EVERY_MILLIS = 60_000;

  /** One inference's texts waiting to be scanned, and whom its findings are about. */
  record Job(Inference inference, String user, ScanInput input, CapturePolicy evidence) {}

  private final SecuritySettings settings;
  private final SecurityRecords records;
  private final Clock clock;
  private final InjectionThreshold.Settings thresholdSettings;
  private final CompletionLengthBaseline.Settings lengthSettings;
  private final BlockingQueue<Job> queue;
  private final CompletableFuture<SecurityScanner> scanner = new CompletableFuture<>();
  private final Map<String, InjectionThreshold> thresholds = new HashMap<>();
  /** Per deployment, the system prompts it sent before (by hash), with the personal data they hold. */
  private final Map<String, Map<String, String>> familiarSystemPrompts = new HashMap<>();
  private final Set<String> changedThresholds = new HashSet<>();
  private final Map<String, CompletionLengthBaseline> lengths = new HashMap<>();
  private final Set<String> changedLengths = new HashSet<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong found = new AtomicLong();
  private final Object idle = new Object();
  private final Thread worker;
  private volatile long lastScannedMillis;
  private volatile boolean closed;
  private long lastSaveMillis;

  private SecurityScanning(SecuritySettings settings, SecurityRecords records, Clock clock, int queueSize,
      InjectionThreshold.Settings thresholdSettings, CompletionLengthBaseline.Settings lengthSettings) {
    this.settings = settings;
    this.records = records;
    this.clock = clock;
    this.thresholdSettings = thresholdSettings;
    this.lengthSettings = lengthSettings;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.lastScannedMillis = records.lastScanMinute();
    this.lastSaveMillis = clock.millis();
    this.worker = new Thread(this::work, "loupe-security-scan");
    worker.setDaemon(true);
  }

  /**
   * Starts the worker; it first trains the injection classifier (under a second, once per JVM),
   * so the server's start does not wait for it.
   */
  public static SecurityScanning start(SecuritySettings settings, SecurityRecords records, Clock clock, int queueSize) {
    SecurityScanning s = new SecurityScanning(settings, records, clock, queueSize, InjectionThreshold.Settings.DEFAULTS,
        CompletionLengthBaseline.Settings.DEFAULTS);
    s.worker.start();
    return s;
  }

  /** Exposes what was scanned, dropped and found, and the queue, on {@code /metrics}. */
  public void register(PrometheusRegistry registry) {
    CounterWithCallback.builder().name("loupe_security_scanned_inferences_total")
        .help("Inferences whose texts the security detectors read.").callback(cb -> cb.call(done.get())).register(registry);
    CounterWithCallback.builder().name("loupe_security_scan_dropped_total")
        .help("Inferences not scanned because the detectors' queue (security.scan_queue) was full.")
        .callback(cb -> cb.call(dropped.get())).register(registry);
    CounterWithCallback.builder().name("loupe_security_text_findings_total")
        .help("Findings of the text detectors (injection, leaks, links) stored, re-sent inferences not counted again.")
        .callback(cb -> cb.call(found.get())).register(registry);
    GaugeWithCallback.builder().name("loupe_security_scan_queue")
        .help("Inferences waiting for the security detectors.").callback(cb -> cb.call(queue.size())).register(registry);
  }

  /**
   * Personal data, secrets and canary tokens in {@code text} replaced by typed placeholders; waits
   * for the classifier's training the first time (the redactor is part of the same scanner).
   */
  public String redact(String text) {
    return text == null ? null : scanner.join().redact(text);
  }

  /** Queues one inference's texts; false (and counted) when the queue is full. */
  boolean offer(Job job) {
    if (closed || !queue.offer(job)) {
      dropped.incrementAndGet();
      return false;
    }
    accepted.incrementAndGet();
    return true;
  }

  /** When the detectors last read an inference (0: never, since the store began). */
  public long lastScannedMillis() {
    return lastScannedMillis;
  }

  /** Inferences dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Waits until every inference queued so far was scanned and its findings stored; for tests and
   * tools. Returns false when {@code timeout} passed first.
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (done.get() < accepted.get()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    return true;
  }

  private void work() {
    try {
      scanner.complete(new SecurityScanner(settings));
    } catch (RuntimeException e) {
      scanner.completeExceptionally(e);
      LOG.error("the security detectors failed to start; inferences are not scanned", e);
      return;
    }
    restoreThresholds();
    restoreLengths();
    List<Job> group = new ArrayList<>(GROUP);
    while (!closed) {
      try {
        Job first = queue.poll(1, TimeUnit.SECONDS);
        if (first != null) {
          group.add(first);
          queue.drainTo(group, GROUP - 1);
          scan(group);
        }
        saveStates(false);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        // The texts are gone with the group: nothing of them is logged, only what failed.
        LOG.warn("storing security findings failed; {} inferences' findings are lost: {}", group.size(),
            e.getClass().getSimpleName());
      } finally {
        if (!group.isEmpty()) {
          done.addAndGet(group.size());
          group.clear();
          synchronized (idle) {
            idle.notifyAll();
          }
        }
      }
    }
  }

  private void scan(List<Job> group) {
    SecurityScanner s = scanner.join();
    List<StoredFinding> findings = new ArrayList<>();
    Map<String, long[]> counts = new HashMap<>();
    for (Job job : group) {
      Inference i = job.inference();
      String deployment = i.key().deployment();
      InjectionThreshold threshold = thresholds.computeIfAbsent(deployment, d -> InjectionThreshold.create(thresholdSettings));
      ScanInput in = withoutFamiliarSystemPrompt(deployment, job.input());
      SecurityScan scan = s.scan(in, job.evidence(), threshold.current());
      if (in.prompt() != null || in.systemPrompt() != null || !in.retrieved().isEmpty()) {
        threshold.observe(scan.injectionScore());
        changedThresholds.add(deployment);
      }
      boolean injection = false;
      for (SecurityFinding f : scan.findings()) {
        injection |= f.kind().equals("prompt_injection");
        findings.add(stored(f, i, job.user()));
      }
      // Output tokens, not the text's characters: senders count them whether or not they send text.
      if (i.outputTokens() != null && i.outputTokens() >= 0) {
        CompletionLengthBaseline baseline = lengths.computeIfAbsent(deployment,
            d -> CompletionLengthBaseline.create(lengthSettings));
        baseline.observe(i.outputTokens()).ifPresent(f -> findings.add(stored(f, i, job.user())));
        changedLengths.add(deployment);
      }
      long minute = Math.floorDiv(i.timestampMillis(), 60_000L) * 60_000L;
      long[] n = counts.computeIfAbsent(minute + "\u0000" + deployment, k -> new long[2]);
      n[0]++;
      if (injection) n[1]++;
    }
    List<SecurityRecords.ScanCount> scanCounts = new ArrayList<>(counts.size());
    counts.forEach((k, n) -> {
      int cut = k.indexOf('\u0000');
      scanCounts.add(new SecurityRecords.ScanCount(Long.parseLong(k.substring(0, cut)), k.substring(cut + 1), n[0], n[1]));
    });
    found.addAndGet(records.appendFindings(findings).size());
    records.addScanCounts(scanCounts);
    lastScannedMillis = clock.millis();
  }

  /**
   * A system prompt this deployment sent before is its own configuration, not an override: it is
   * not scanned for injection again (protective wording such as "never reveal these instructions"
   * scores high, and would on every request). The personal data it holds is appended to the prompt
   * instead, so that a completion repeating it is still not a leak. The first sighting is scanned.
   */
  private ScanInput withoutFamiliarSystemPrompt(String deployment, ScanInput in) {
    String system = in.systemPrompt();
    if (system == null) return in;
    Map<String, String> known = familiarSystemPrompts.computeIfAbsent(deployment, d -> new java.util.LinkedHashMap<>(
        16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > FAMILIAR_SYSTEM_PROMPTS;
      }
    });
    String hash = id(system);
    String personal = known.get(hash);
    if (personal == null) {
      StringBuilder b = new StringBuilder();
      for (dev.loupe.dimension.security.SensitiveMatch m : SENSITIVE.find(system)) {
        if (!m.kind().secret()) b.append('\n').append(m.valueIn(system));
      }
      known.put(hash, b.toString());
      return in;
    }
    String prompt = personal.isEmpty() ? in.prompt() : (in.prompt() == null ? "" : in.prompt()) + personal;
    return new ScanInput(null, prompt, in.completion(), in.toolArguments(), in.retrieved());
  }

  /** System prompts remembered per deployment. */
  static final int FAMILIAR_SYSTEM_PROMPTS = 256;
  private static final dev.loupe.dimension.security.SensitiveDataDetector SENSITIVE =
      dev.loupe.dimension.security.SensitiveDataDetector.standard();

  /** The finding tied to its inference; its id is the same for the same finding of a re-sent inference. */
  static StoredFinding stored(SecurityFinding f, Inference i, String user) {
    Map<String, String> e = f.evidence();
    String id = id("text", i.key().deployment(), Long.toString(i.timestampMillis()), i.requestId(), i.traceId(),
        i.spanId(), f.kind(), e.get("source"), e.get("position"), e.get("positions"), e.get("type"), e.get("canary"),
        e.get("host"), e.get("document_id"), e.get("span_id"));
    return new StoredFinding(id, i.timestampMillis(), Dimension.SECURITY, f.kind(), f.severity(), f.reason(),
        new StoredFinding.Subject(i.key().service(), i.key().deployment(), i.apiKeyHash(), i.tenant(), user,
            i.traceId(), i.requestId(), i.spanId()), e);
  }

  /** A finding's id: the first 128 bits of SHA-256 over its parts. */
  static String id(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        sha.update((p == null ? "\u0001" : p).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private void restoreThresholds() {
    try {
      records.states(THRESHOLD_STATE).forEach((deployment, json) -> {
        try {
          thresholds.put(deployment, InjectionThreshold.restore(thresholdSettings,
              JSON.readValue(json, InjectionThresholdState.class)));
        } catch (JsonProcessingException | RuntimeException e) {
          LOG.warn("the learnt injection threshold of deployment {} cannot be read; it is learnt again: {}",
              deployment, e.getClass().getSimpleName());
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("reading the learnt injection thresholds failed; they are learnt again: {}", e.getMessage());
    }
  }

  private void restoreLengths() {
    try {
      records.states(LENGTH_STATE).forEach((deployment, json) -> {
        try {
          lengths.put(deployment, CompletionLengthBaseline.restore(lengthSettings,
              JSON.readValue(json, CompletionLengthState.class)));
        } catch (JsonProcessingException | RuntimeException e) {
          LOG.warn("the learnt completion lengths of deployment {} cannot be read; they are learnt again: {}",
              deployment, e.getClass().getSimpleName());
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("reading the learnt completion lengths failed; they are learnt again: {}", e.getMessage());
    }
  }

  /** Writes the thresholds and length baselines that changed, at most every {@link #SAVE_EVERY_MILLIS} unless {@code now}. */
  private void saveStates(boolean now) {
    long t = clock.millis();
    if (changedThresholds.isEmpty() && changedLengths.isEmpty() || !now && t - lastSaveMillis < SAVE_EVERY_MILLIS) {
      return;
    }
    Map<String, String> states = new HashMap<>();
    Map<String, String> lengthStates = new HashMap<>();
    try {
      for (String d : changedThresholds) states.put(d, JSON.writeValueAsString(thresholds.get(d).state()));
      for (String d : changedLengths) lengthStates.put(d, JSON.writeValueAsString(lengths.get(d).state()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a detector's learnt state cannot be written", e);
    }
    if (!states.isEmpty()) records.saveStates(THRESHOLD_STATE, states, t);
    if (!lengthStates.isEmpty()) records.saveStates(LENGTH_STATE, lengthStates, t);
    changedThresholds.clear();
    changedLengths.clear();
    lastSaveMillis = t;
  }

  /** Stops the worker after the group it is scanning; saves the learnt thresholds and length baselines. */
  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (!worker.isAlive()) saveStates(true);
    } catch (RuntimeException e) {
      LOG.warn("saving the detectors' learnt state failed: {}", e.getMessage());
    }
  }
}
