package dev.loupe.ingest;

import dev.loupe.dimension.security.CapturePolicy;
import dev.loupe.ingest.otlp.ContentAttributes;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.LogRecord;
import dev.loupe.model.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What of prompt and completion text a batch keeps when it is stored, per deployment: nothing
 * ({@code off}, the default), the text with personal data, secrets and canary tokens replaced by
 * typed placeholders ({@code redacted}), or the text as sent ({@code full}). It applies to the
 * inferences' prompt and completion, to the span attributes that hold text (messages, system
 * instructions, retrieved documents, tool calls) and to such fields of log lines. A span is judged by
 * the deployment of the inference read from it, else of its trace's inferences (the strictest), else
 * by the default. The security detectors have read the text before this runs.
 */
public final class ContentCapture {
  /** Keeps nothing. */
  public static final ContentCapture OFF =
      new ContentCapture(CapturePolicy.OFF, CapturePolicy.OFF, Map.of(), text -> null);
  /** Log-line fields that hold text, besides the span attribute names. */
  private static final Set<String> LOG_TEXT_FIELDS = Set.of("prompt", "completion", "system_prompt", "messages",
      "retrieved_context", "tool_arguments", "input_messages", "output_messages");

  private final CapturePolicy defaultPrompts;
  private final CapturePolicy defaultCompletions;
  private final Map<String, CapturePolicy> deployments;
  private final UnaryOperator<String> redactor;

  /**
   * @param deployments a deployment's policy, for its prompts and completions alike
   * @param redactor replaces personal data, secrets and canaries with placeholders
   */
  public ContentCapture(CapturePolicy defaultPrompts, CapturePolicy defaultCompletions,
      Map<String, CapturePolicy> deployments, UnaryOperator<String> redactor) {
    this.defaultPrompts = defaultPrompts;
    this.defaultCompletions = defaultCompletions;
    this.deployments = Map.copyOf(deployments);
    this.redactor = redactor;
  }

  /** The policy for prompt-side text of a deployment. */
  public CapturePolicy forPrompts(String deployment) {
    CapturePolicy p = deployment == null ? null : deployments.get(deployment);
    return p != null ? p : defaultPrompts;
  }

  /** The policy for completions of a deployment. */
  public CapturePolicy forCompletions(String deployment) {
    CapturePolicy p = deployment == null ? null : deployments.get(deployment);
    return p != null ? p : defaultCompletions;
  }

  /** What a finding's evidence may quote: the stricter of the two. */
  public CapturePolicy forEvidence(String deployment) {
    return stricter(forPrompts(deployment), forCompletions(deployment));
  }

  private boolean keepsEverything() {
    return defaultPrompts == CapturePolicy.FULL && defaultCompletions == CapturePolicy.FULL
        && deployments.values().stream().allMatch(p -> p == CapturePolicy.FULL);
  }

  /** The batch as it may be stored; inferences keep their order, so the i-th is the i-th given. */
  Batch apply(Batch batch) {
    if (keepsEverything()) return batch;
    List<Inference> inferences = inferences(batch.inferences());
    List<Span> spans = spans(batch);
    List<LogRecord> logs = logs(batch.logs());
    if (inferences == batch.inferences() && spans == batch.spans() && logs == batch.logs()) return batch;
    return new Batch(inferences, logs, batch.deployments(), batch.scores(), batch.samples(), spans, batch.contexts());
  }

  private List<Inference> inferences(List<Inference> given) {
    List<Inference> out = null;
    for (int k = 0; k < given.size(); k++) {
      Inference i = given.get(k);
      Inference kept = i;
      if (i.prompt() != null || i.completion() != null) {
        String d = i.key().deployment();
        String prompt = keep(i.prompt(), forPrompts(d));
        String completion = keep(i.completion(), forCompletions(d));
        if (prompt != i.prompt() || completion != i.completion()) kept = i.withContent(prompt, completion);
      }
      if (kept != i && out == null) out = new ArrayList<>(given.subList(0, k));
      if (out != null) out.add(kept);
    }
    return out == null ? given : out;
  }

  private List<Span> spans(Batch batch) {
    if (batch.spans().isEmpty()) return batch.spans();
    Map<String, String> bySpan = new HashMap<>();
    Map<String, List<String>> byTrace = new HashMap<>();
    for (Inference i : batch.inferences()) {
      if (i.spanId() != null) bySpan.put(i.traceId() + "/" + i.spanId(), i.key().deployment());
      if (i.traceId() != null) byTrace.computeIfAbsent(i.traceId(), t -> new ArrayList<>()).add(i.key().deployment());
    }
    List<Span> out = null;
    for (int k = 0; k < batch.spans().size(); k++) {
      Span s = batch.spans().get(k);
      Span kept = s;
      if (holdsText(s.attributes())) {
        String own = bySpan.get(s.traceId() + "/" + s.spanId());
        CapturePolicy prompts;
        CapturePolicy completions;
        if (own != null || !byTrace.containsKey(s.traceId())) {
          prompts = forPrompts(own);
          completions = forCompletions(own);
        } else {
          prompts = CapturePolicy.FULL;
          completions = CapturePolicy.FULL;
          for (String d : byTrace.get(s.traceId())) {
            prompts = stricter(prompts, forPrompts(d));
            completions = stricter(completions, forCompletions(d));
          }
        }
        Map<String, Object> attributes = attributes(s.attributes(), prompts, completions);
        if (attributes != s.attributes()) {
          kept = new Span(s.traceId(), s.spanId(), s.parentSpanId(), s.name(), s.startNanos(), s.endNanos(),
              s.status(), attributes, s.resource());
        }
      }
      if (kept != s && out == null) out = new ArrayList<>(batch.spans().subList(0, k));
      if (out != null) out.add(kept);
    }
    return out == null ? batch.spans() : out;
  }

  private static boolean holdsText(Map<String, Object> attributes) {
    for (String name : attributes.keySet()) {
      if (ContentAttributes.holdsCompletion(name) || ContentAttributes.holdsPromptSide(name)) return true;
    }
    return false;
  }

  private Map<String, Object> attributes(Map<String, Object> given, CapturePolicy prompts, CapturePolicy completions) {
    Map<String, Object> out = new LinkedHashMap<>();
    boolean changed = false;
    for (Map.Entry<String, Object> e : given.entrySet()) {
      String name = e.getKey();
      CapturePolicy p = ContentAttributes.holdsCompletion(name) ? completions
          : ContentAttributes.holdsPromptSide(name) ? prompts : CapturePolicy.FULL;
      Object v = p == CapturePolicy.FULL ? e.getValue() : p == CapturePolicy.OFF ? null : redacted(e.getValue());
      changed |= v != e.getValue();
      if (v != null) out.put(name, v);
    }
    return changed ? out : given;
  }

  private List<LogRecord> logs(List<LogRecord> given) {
    List<LogRecord> out = null;
    for (int k = 0; k < given.size(); k++) {
      LogRecord l = given.get(k);
      LogRecord kept = l;
      Map<String, String> attributes = null;
      for (Map.Entry<String, String> e : l.attributes().entrySet()) {
        String name = e.getKey();
        boolean completion = name.equals("completion") || ContentAttributes.holdsCompletion(name);
        if (!completion && !LOG_TEXT_FIELDS.contains(name) && !ContentAttributes.holdsPromptSide(name)) continue;
        String d = l.attributes().get("deployment");
        CapturePolicy p = completion ? forCompletions(d) : forPrompts(d);
        if (p == CapturePolicy.FULL) continue;
        if (attributes == null) attributes = new LinkedHashMap<>(l.attributes());
        if (p == CapturePolicy.OFF) attributes.remove(name);
        else attributes.put(name, redactor.apply(e.getValue()));
      }
      if (attributes != null) {
        kept = new LogRecord(l.timestampMillis(), l.level(), l.service(), l.message(), l.requestId(), l.traceId(),
            attributes);
      }
      if (kept != l && out == null) out = new ArrayList<>(given.subList(0, k));
      if (out != null) out.add(kept);
    }
    return out == null ? given : out;
  }

  /** Strings redacted, lists and maps (an OTLP array or kvlist) element by element. */
  private Object redacted(Object v) {
    if (v instanceof String s) return redactor.apply(s);
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object e : list) out.add(redacted(e));
      return out;
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) out.put(String.valueOf(e.getKey()), redacted(e.getValue()));
      return out;
    }
    return v;
  }

  private String keep(String text, CapturePolicy p) {
    if (text == null || p == CapturePolicy.FULL) return text;
    return p == CapturePolicy.OFF ? null : redactor.apply(text);
  }

  static CapturePolicy stricter(CapturePolicy a, CapturePolicy b) {
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
