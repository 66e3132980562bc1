package dev.loupe.dimension.security;

import dev.loupe.model.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs every text detector on one inference: injection on the prompt, the system prompt and each
 * retrieved chunk (with its provenance); personal data, secrets, canary tokens and exfiltration
 * links on the completion and the tool-call arguments.
 *
 * <pre>{@code
 * SecurityScanner scanner = new SecurityScanner(settings);           // one per deployment config
 * SecurityScan scan = scanner.scan(input, CapturePolicy.OFF, threshold.current());
 * threshold.observe(scan.injectionScore());
 * List<Finding> findings = scan.toFindings(deployment, inference.timestampMillis());
 * String stored = scanner.redact(prompt);                            // under CapturePolicy.REDACTED
 * }</pre>
 *
 * <p>Evidence follows the capture policy: under {@code off} it names rules, kinds, positions,
 * counts, canary names and link hosts, never the text; under {@code redacted} it adds an excerpt
 * with every match replaced by its placeholder; under {@code full} the excerpt is as sent.
 * Personal data the user gave in the prompt is not reported when the completion repeats it;
 * secrets always are. Thread-safe.
 */
public final class SecurityScanner {
  static final int EXCERPT_CHARS = 160;
  private static final int MAX_POSITIONS = 5;

  private final SecuritySettings settings;
  private final InjectionDetector injection;
  private final SensitiveDataDetector sensitive = SensitiveDataDetector.standard();
  /** Each canary token squeezed (letters and digits, lower case), to find one spelled out. */
  private final Map<String, String> squeezedCanaries = new LinkedHashMap<>();

  public SecurityScanner(SecuritySettings settings) {
    this(settings, InjectionDetector.standard());
  }

  SecurityScanner(SecuritySettings settings, InjectionDetector injection) {
    this.settings = settings == null ? SecuritySettings.DEFAULTS : settings;
    this.injection = injection;
    this.settings.canaries().forEach((name, token) -> squeezedCanaries.put(name, squeeze(token)));
  }

  public SecurityScan scan(ScanInput input, CapturePolicy policy, double threshold) {
    List<SecurityFinding> findings = new ArrayList<>(0);
    double score = 0;
    score = Math.max(score, injection(input.prompt(), TextSource.PROMPT, null, policy, threshold, findings));
    score = Math.max(score, injection(input.systemPrompt(), TextSource.SYSTEM_PROMPT, null, policy, threshold, findings));
    for (RetrievedChunk chunk : input.retrieved()) {
      score = Math.max(score, injection(chunk.text(), TextSource.RETRIEVED, chunk, policy, threshold, findings));
    }
    Given given = new Given(input);
    leaks(input.completion(), TextSource.COMPLETION, given, policy, findings);
    for (String args : input.toolArguments()) leaks(args, TextSource.TOOL_ARGUMENTS, given, policy, findings);
    findings.sort(Comparator.comparing((SecurityFinding f) -> f.severity()).reversed());
    return new SecurityScan(score, threshold, findings);
  }

  /** Injection score of one text alone, e.g. for a document before it is indexed. */
  public InjectionVerdict inspect(String text) {
    return injection.inspect(text);
  }

  /** {@code text} with personal data, secrets and canary tokens replaced by typed placeholders. */
  public String redact(String text) {
    if (text == null) return null;
    List<SensitiveMatch> matches = new ArrayList<>(sensitive.find(text));
    boolean canary = false;
    for (String token : settings.canaries().values()) {
      int at = text.indexOf(token);
      while (at >= 0) {
        matches.add(new SensitiveMatch(SensitiveKind.CANARY, at, at + token.length()));
        canary = true;
        at = text.indexOf(token, at + token.length());
      }
    }
    if (canary) {
      matches.sort(Comparator.comparingInt(SensitiveMatch::start).thenComparingInt(m -> -(m.end() - m.start())));
    }
    return SensitiveDataDetector.redact(text, matches);
  }

  private double injection(String text, TextSource source, RetrievedChunk chunk, CapturePolicy policy, double threshold,
      List<SecurityFinding> out) {
    if (text == null || text.isBlank()) return 0;
    InjectionVerdict v = injection.inspect(text, threshold);
    if (v.score() < threshold) return v.score();
    Map<String, String> evidence = base(source, chunk);
    evidence.put("score", format(v.score()));
    evidence.put("threshold", format(threshold));
    evidence.put("rule_score", format(v.ruleScore()));
    evidence.put("classifier_score", format(v.classifierScore()));
    if (!v.rules().isEmpty()) evidence.put("rules", String.join(",", v.rules()));
    if (!v.ngrams().isEmpty()) evidence.put("ngrams", String.join(",", v.ngrams()));
    evidence.put("position", v.start() + "-" + v.end());
    excerpt(text, v.start(), v.end(), policy, evidence);
    String what = v.rules().isEmpty() ? "classifier" : String.join(", ", v.rules().subList(0, Math.min(3, v.rules().size())));
    String where = switch (source) {
      case RETRIEVED -> "retrieved document" + (chunk.documentId() == null ? "" : " " + clip(chunk.documentId(), 60));
      case SYSTEM_PROMPT -> "system prompt";
      default -> "prompt";
    };
    // An instruction inside a fetched document acts without the user asking: the worse case.
    Severity severity = source == TextSource.RETRIEVED ? Severity.CRITICAL : Severity.WARNING;
    out.add(new SecurityFinding("prompt_injection", severity,
        "prompt injection in the " + where + " (score " + format(v.score()) + " >= " + format(threshold) + "): " + what,
        evidence));
    return v.score();
  }

  private void leaks(String text, TextSource source, Given given, CapturePolicy policy, List<SecurityFinding> out) {
    if (text == null || text.isEmpty()) return;
    Map<SensitiveKind, List<SensitiveMatch>> byKind = new EnumMap<>(SensitiveKind.class);
    for (SensitiveMatch m : sensitive.find(text)) {
      if (!m.kind().secret() && given.values().contains(normalize(m.valueIn(text)))) continue;
      byKind.computeIfAbsent(m.kind(), k -> new ArrayList<>()).add(m);
    }
    for (Map.Entry<SensitiveKind, List<SensitiveMatch>> e : byKind.entrySet()) {
      SensitiveKind kind = e.getKey();
      List<SensitiveMatch> matches = e.getValue();
      Map<String, String> evidence = base(source, null);
      evidence.put("type", kind.wireName());
      evidence.put("count", Integer.toString(matches.size()));
      evidence.put("positions", positions(matches));
      evidence.put("placeholder", kind.placeholder());
      SensitiveMatch first = matches.get(0);
      excerpt(text, first.start(), first.end(), policy, evidence);
      String noun = kind.wireName().replace('_', ' ');
      out.add(new SecurityFinding(kind.secret() ? "secret_in_completion" : "pii_in_completion",
          kind.critical() ? Severity.CRITICAL : Severity.WARNING,
          (matches.size() == 1 ? "a " + noun : matches.size() + " " + noun + "s") + " in the " + where(source),
          evidence));
    }
    canaries(text, source, policy, out);
    links(text, source, policy, out);
  }

  private void canaries(String text, TextSource source, CapturePolicy policy, List<SecurityFinding> out) {
    if (settings.canaries().isEmpty()) return;
    String squeezed = null;
    for (Map.Entry<String, String> c : settings.canaries().entrySet()) {
      String token = c.getValue();
      int at = text.indexOf(token);
      boolean spelled = false;
      if (at < 0) {
        // Asked to spell it out ("c-a-n-a-r-y") or change its case, the model still leaks it.
        if (squeezed == null) squeezed = squeeze(text);
        spelled = squeezed.contains(squeezedCanaries.get(c.getKey()));
        if (!spelled) continue;
      }
      Map<String, String> evidence = base(source, null);
      evidence.put("canary", c.getKey());
      evidence.put("match", spelled ? "spelled_out" : "exact");
      if (at >= 0) {
        evidence.put("position", at + "-" + (at + token.length()));
        excerpt(text, at, at + token.length(), policy, evidence);
      }
      out.add(new SecurityFinding("canary_leak", Severity.CRITICAL,
          "canary '" + clip(c.getKey(), 60) + "' leaked in the " + where(source) + ": the system prompt was disclosed",
          evidence));
    }
  }

  private void links(String text, TextSource source, CapturePolicy policy, List<SecurityFinding> out) {
    if (text.indexOf("](") < 0 && text.indexOf("]:") < 0 && text.indexOf('<') < 0) return;
    boolean allowList = !settings.allowedLinkDomains().isEmpty();
    for (ExfiltrationLinks.Link link : ExfiltrationLinks.find(text, settings::allows)) {
      boolean report = link.carriesData() || link.image() && allowList;
      if (!report) continue;
      Map<String, String> evidence = base(source, null);
      evidence.put("host", link.host());
      evidence.put("link_kind", link.image() ? "image" : "link");
      evidence.put("carries_data", Boolean.toString(link.carriesData()));
      evidence.put("position", link.start() + "-" + link.end());
      if (policy == CapturePolicy.REDACTED) evidence.put("url", clip(ExfiltrationLinks.redactedUrl(link.url()), 300));
      if (policy == CapturePolicy.FULL) evidence.put("url", clip(link.url(), 2000));
      Severity severity = link.carriesData() && (link.image() || link.sensitive()) ? Severity.CRITICAL : Severity.WARNING;
      out.add(new SecurityFinding("exfiltration_link", severity,
          (link.image() ? "an image" : "a link") + " to " + clip(link.host(), 80) + (allowList ? " (not allowed)" : "")
              + (link.carriesData() ? " carrying data" : "") + " in the " + where(source),
          evidence));
    }
  }

  /**
   * Personal data in the prompt and system prompt: the user's own, not a leak when echoed. Read
   * only when a completion holds personal data, which most do not.
   */
  private final class Given {
    private final ScanInput input;
    private Set<String> values;

    Given(ScanInput input) {
      this.input = input;
    }

    Set<String> values() {
      if (values == null) {
        values = new HashSet<>();
        addPersonal(input.prompt(), values);
        addPersonal(input.systemPrompt(), values);
      }
      return values;
    }
  }

  private void addPersonal(String text, Set<String> into) {
    if (text == null) return;
    for (SensitiveMatch m : sensitive.find(text)) {
      if (!m.kind().secret()) into.add(normalize(m.valueIn(text)));
    }
  }

  private static String normalize(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (Character.isLetterOrDigit(c) || c == '@' || c == '.') b.append(Character.toLowerCase(c));
    }
    return b.toString();
  }

  private static String squeeze(String s) {
    char[] out = new char[s.length()];
    int len = 0;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < 0x80) {
        if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') out[len++] = c;
        else if (c >= 'A' && c <= 'Z') out[len++] = (char) (c + 32);
      } else if (Character.isLetterOrDigit(c)) {
        out[len++] = Character.toLowerCase(c);
      }
    }
    return new String(out, 0, len);
  }

  private static Map<String, String> base(TextSource source, RetrievedChunk chunk) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("source", source.wireName());
    if (chunk != null && chunk.documentId() != null) evidence.put("document_id", clip(chunk.documentId(), 500));
    if (chunk != null && chunk.spanId() != null) evidence.put("span_id", clip(chunk.spanId(), 100));
    return evidence;
  }

  /** Under redacted and full, the text around the evidence; under off, nothing. */
  private void excerpt(String text, int start, int end, CapturePolicy policy, Map<String, String> evidence) {
    if (policy == CapturePolicy.OFF) return;
    int s = Math.max(0, Math.min(start, text.length()) - 40);
    int e = Math.min(text.length(), Math.max(end, start) + 40);
    // Widen to whole matches so a redacted excerpt never shows half a card number.
    for (SensitiveMatch m : sensitive.find(text)) {
      if (m.start() < s && m.end() > s) s = m.start();
      if (m.start() < e && m.end() > e) e = m.end();
    }
    String piece = text.substring(s, e);
    if (policy == CapturePolicy.REDACTED) piece = redact(piece);
    evidence.put("excerpt", clip(piece, EXCERPT_CHARS));
  }

  private static String positions(List<SensitiveMatch> matches) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < Math.min(MAX_POSITIONS, matches.size()); k++) {
      if (k > 0) b.append(',');
      b.append(matches.get(k).start()).append('-').append(matches.get(k).end());
    }
    return b.toString();
  }

  private static String where(TextSource source) {
    return source == TextSource.TOOL_ARGUMENTS ? "tool-call arguments" : source.wireName().replace('_', ' ');
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** {@code v} with three decimals, as {@code %.3f} would print a score or threshold, without its cost. */
  static String format(double v) {
    if (!(v >= 0 && v < 1e6)) return String.format(Locale.ROOT, "%.3f", v);
    long m = Math.round(v * 1000);
    long frac = m % 1000;
    return (m / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
  }
}
