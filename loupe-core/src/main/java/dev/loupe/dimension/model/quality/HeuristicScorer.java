package dev.loupe.dimension.model.quality;

import dev.loupe.model.Inference;
import dev.loupe.model.Score;
import dev.loupe.model.ScoreSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs the built-in quality evaluators (no LLM) on one inference and returns their scores, source
 * {@code heuristic}, tied to the inference's request and trace ids and stamped with its time, so a
 * re-sent inference yields the same scores. An inference is evaluated when its deployment's sample
 * rate keeps its id ({@link DeterministicSampler}); one with neither request nor trace id cannot
 * carry a score and yields none. Evaluators that need text run only where the capture policy kept
 * prompt and completion; each skips what it cannot judge rather than guess. Never throws.
 *
 * <pre>{@code
 * HeuristicScorer scorer = new HeuristicScorer(HeuristicSettings.DEFAULTS);
 * List<Score> scores = scorer.score(inference, RequestContext.retrieved(documents));
 * }</pre>
 */
public final class HeuristicScorer {
  /** Salt of the sampling hash, so the judge's sample is drawn apart from this one. */
  static final String SAMPLING_SALT = "heuristic";
  /** The language identifier reads this much of a text: enough to tell, bounded in cost. */
  static final int LANGUAGE_SAMPLE_CHARS = 4000;

  private static final Set<String> LENGTH_REASONS =
      Set.of("length", "max_tokens", "max_output_tokens", "model_length", "max_length", "token_limit");
  private static final Set<String> TOOL_REASONS = Set.of("tool_calls", "function_call", "tool_use", "tool_call");
  /** A prompt that names a language (or asks to translate) may want its answer in another one. */
  private static final Pattern NAMES_A_LANGUAGE = Pattern.compile(
      "\\b(?:translat\\w*|tradu\\w*|übersetz\\w*|vertaal\\w*|перев\\w*|english|french|german|spanish|portuguese"
          + "|italian|dutch|russian|ukrainian|chinese|mandarin|japanese|korean|arabic|hindi|greek|hebrew|thai"
          + "|anglais|français|allemand|espagnol|portugais|italien|néerlandais|chinois|japonais|englisch"
          + "|französisch|deutsch|spanisch|italienisch|chinesisch|japanisch|inglés|francés|alemán|español"
          + "|italiano|inglês|francês|alemão|espanhol|português|inglese|francese|tedesco|spagnolo|portoghese"
          + "|engels|frans|duits|английск\\w*|русск\\w*)\\b"
          + "|翻译|翻譯|翻訳|번역|英文|英语|英語|中文|汉语|日语|日本語|韩语|法语|德语|西班牙语"
          + "|한국어|영어|일본어|중국어",
      Pattern.UNICODE_CHARACTER_CLASS); // matched against folded (lower-case) text

  private final HeuristicSettings settings;
  private final Consumer<RuntimeException> failures;

  public HeuristicScorer(HeuristicSettings settings) {
    this(settings, e -> {});
  }

  /**
   * {@code failures} hears of an evaluator that threw (a bug): the server counts and logs it; the
   * inference keeps its other scores either way.
   */
  public HeuristicScorer(HeuristicSettings settings, Consumer<RuntimeException> failures) {
    this.settings = settings;
    this.failures = failures;
  }

  /** Whether this inference is in its deployment's sample (decided by its request id, else trace id). */
  public boolean sampled(Inference inference) {
    String id = inference.requestId() != null ? inference.requestId() : inference.traceId();
    return DeterministicSampler.keeps(id, settings.sampleRateFor(inference.key().deployment()), SAMPLING_SALT);
  }

  /** The scores of a sampled inference; none for one outside the sample or without ids. */
  public List<Score> score(Inference inference, RequestContext context) {
    if (!sampled(inference)) return List.of();
    return evaluate(inference, context == null ? RequestContext.NONE : context);
  }

  /** Every enabled evaluator, sample or not. */
  List<Score> evaluate(Inference inference, RequestContext context) {
    if (blank(inference.requestId()) && blank(inference.traceId())) return List.of();
    List<Score> out = new ArrayList<>();
    for (HeuristicCheck check : HeuristicCheck.values()) {
      if (!settings.checks().contains(check)) continue;
      try {
        run(check, inference, context, out);
      } catch (RuntimeException e) {
        // An evaluator's bug must not cost the inference its other scores, nor ingest its batch.
        failures.accept(e);
      }
    }
    return out;
  }

  private void run(HeuristicCheck check, Inference i, RequestContext context, List<Score> out) {
    String answer = i.completion();
    String prompt = i.prompt();
    switch (check) {
      case RESPONSE_LENGTH:
        if (answer != null) {
          add(out, i, HeuristicScoreName.RESPONSE_LENGTH_CHARS, answer.codePointCount(0, answer.length()), null);
        }
        if (i.outputTokens() != null) add(out, i, HeuristicScoreName.RESPONSE_LENGTH_TOKENS, i.outputTokens(), null);
        break;
      case TRUNCATION:
        List<String> reasons = finishReasons(i.finishReason());
        if (!reasons.isEmpty()) {
          boolean cut = reasons.stream().anyMatch(LENGTH_REASONS::contains);
          add(out, i, HeuristicScoreName.TRUNCATED, cut ? 1 : 0, String.join(",", reasons));
        }
        break;
      case EMPTY_ANSWER:
        // A tool call answers with no text by design.
        if (answer != null && finishReasons(i.finishReason()).stream().noneMatch(TOOL_REASONS::contains)) {
          add(out, i, HeuristicScoreName.EMPTY_ANSWER, hasLetterOrDigit(answer) ? 0 : 1, null);
        }
        break;
      case REFUSAL:
        if (hasLetterOrDigit(answer)) {
          Optional<RefusalDetector.Refusal> r = RefusalDetector.detect(answer);
          add(out, i, HeuristicScoreName.REFUSAL, r.isPresent() ? 1 : 0,
              r.map(x -> x.kind().name().toLowerCase(Locale.ROOT) + " (" + x.language() + ")").orElse(null));
        }
        break;
      case GROUNDEDNESS:
        // A refusal makes no claim to ground; scoring it would read as a hallucination.
        if (hasLetterOrDigit(answer) && !context.retrievedDocuments().isEmpty()
            && RefusalDetector.detect(answer).isEmpty()) {
          OptionalDouble g = Groundedness.of(answer, context.retrievedDocuments(), prompt);
          if (g.isPresent()) add(out, i, HeuristicScoreName.GROUNDEDNESS, g.getAsDouble(), null);
        }
        break;
      case SUMMARY_COVERAGE:
        String source = context.summarySource() != null ? context.summarySource()
            : SummaryCoverage.asksForSummary(i.operation(), prompt) ? prompt : null;
        if (hasLetterOrDigit(answer) && source != null) {
          OptionalDouble c = SummaryCoverage.of(answer, source);
          if (c.isPresent()) add(out, i, HeuristicScoreName.SUMMARY_COVERAGE, c.getAsDouble(), null);
        }
        break;
      case STRUCTURED_OUTPUT:
        if (answer == null) break;
        RequestedFormat format = RequestedFormat.resolve(context.requestedFormat(), prompt);
        if (format.isJson()) {
          Verdict v = JsonAnswerCheck.check(answer, format);
          add(out, i, HeuristicScoreName.STRUCTURED_OUTPUT_VALID, v.valid() ? 1 : 0,
              v.valid() ? format.kind().name().toLowerCase(Locale.ROOT) : v.reason());
        } else if (format.kind() == RequestedFormat.Kind.CODE && hasLetterOrDigit(answer)) {
          Verdict v = CodeBlockCheck.check(answer, format.language());
          if (v != null) {
            add(out, i, HeuristicScoreName.CODE_BLOCK_VALID, v.valid() ? 1 : 0,
                v.valid() ? format.language() : v.reason());
          }
        }
        break;
      case LANGUAGE_SWITCH:
        languageSwitch(i, out);
        break;
      default:
        break;
    }
  }

  /**
   * 1 when the answer's language is neither the prompt's nor its last paragraph's (the question,
   * after a system prompt or a document in another language); nothing when a language cannot be
   * told or the prompt names one (translate, "answer in French").
   */
  private static void languageSwitch(Inference i, List<Score> out) {
    String prompt = i.prompt();
    String answer = i.completion();
    if (!hasLetterOrDigit(prompt) || !hasLetterOrDigit(answer)) return;
    String instructions = TextTerms.fold(TextTerms.ends(prompt, RequestedFormat.INSTRUCTION_CHARS));
    if (NAMES_A_LANGUAGE.matcher(instructions).find()) return;
    Optional<String> answerLanguage = LanguageIdentifier.identify(head(answer));
    Optional<String> promptLanguage = LanguageIdentifier.identify(head(prompt));
    if (answerLanguage.isEmpty() || promptLanguage.isEmpty()) return;
    Optional<String> question = LanguageIdentifier.identify(tail(lastParagraph(prompt)));
    boolean same = answerLanguage.equals(promptLanguage) || answerLanguage.equals(question);
    add(out, i, HeuristicScoreName.LANGUAGE_SWITCH, same ? 0 : 1,
        "prompt " + promptLanguage.get() + ", answer " + answerLanguage.get());
  }

  private static String lastParagraph(String text) {
    String t = text.strip();
    int cut = t.lastIndexOf("\n\n");
    return cut < 0 ? t : t.substring(cut + 2);
  }

  private static String head(String s) {
    return TextTerms.head(s, LANGUAGE_SAMPLE_CHARS);
  }

  private static String tail(String s) {
    return s.length() <= LANGUAGE_SAMPLE_CHARS ? s : s.substring(s.length() - LANGUAGE_SAMPLE_CHARS);
  }

  /** The reported finish reasons, lower case: "length", "[\"stop\",\"length\"]" and "MAX_TOKENS" all read. */
  static List<String> finishReasons(String reported) {
    if (reported == null) return List.of();
    List<String> out = new ArrayList<>();
    for (String part : reported.toLowerCase(Locale.ROOT).split("[,\\s]+")) {
      String r = part.replaceAll("[\\[\\]\"']", "");
      if (!r.isEmpty()) out.add(r);
    }
    return out;
  }

  private static boolean hasLetterOrDigit(String s) {
    return s != null && s.codePoints().anyMatch(Character::isLetterOrDigit);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static void add(List<Score> out, Inference i, HeuristicScoreName name, double value, String comment) {
    out.add(new Score(
        i.timestampMillis(), name.wireName(), value, ScoreSource.HEURISTIC, i.requestId(), i.traceId(), comment));
  }
}
