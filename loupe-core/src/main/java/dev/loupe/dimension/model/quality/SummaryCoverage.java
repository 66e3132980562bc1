package dev.loupe.dimension.model.quality;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How many of a source's key terms its summary keeps: the key terms are the source's most frequent
 * content terms (at most {@value #KEY_TERMS}, each occurring at least twice), and the score is
 * their recall in the summary weighted by how often each occurs in the source, so missing the
 * main subject costs more than missing a side detail. Synonyms and paraphrase count as misses.
 */
final class SummaryCoverage {
  static final int KEY_TERMS = 15;
  /** A source shorter than this (in content terms) has no key terms worth the name. */
  static final int MIN_SOURCE_TERMS = 40;
  /** Fewer recurring terms than this and the source has no clear subject to cover. */
  static final int MIN_KEY_TERMS = 3;
  /** Source and summary are read this far: the cost stays bounded, and key terms recur early. */
  static final int MAX_CHARS = 100_000;

  /** A prompt that asks for a summary, in the languages the other evaluators know. */
  private static final Pattern ASKS_SUMMARY = Pattern.compile(
      "\\b(?:summari[sz]\\w*|summary|sum up|tl;?dr|résum\\w*|zusammenfass\\w*|fasse\\b[^.?!\\n]{0,60}\\bzusammen"
          + "|resum\\w*|riassum\\w*|sintetizz\\w*|sintetiz\\w*|samenvat\\w*|кратко|резюмир\\w*)\\b"
          + "|总结|概括|摘要|總結|要約|まとめ|요약",
      Pattern.UNICODE_CHARACTER_CLASS); // matched against folded (lower-case) text

  private SummaryCoverage() {}

  static boolean asksForSummary(String operation, String prompt) {
    if (operation != null && operation.toLowerCase(java.util.Locale.ROOT).contains("summar")) return true;
    return prompt != null
        && ASKS_SUMMARY.matcher(TextTerms.fold(TextTerms.ends(prompt, RequestedFormat.INSTRUCTION_CHARS))).find();
  }

  static OptionalDouble of(String summary, String source) {
    List<String> sourceTerms = TextTerms.contentTerms(TextTerms.head(source, MAX_CHARS));
    if (sourceTerms.size() < MIN_SOURCE_TERMS) return OptionalDouble.empty();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String t : sourceTerms) {
      if (t.codePointCount(0, t.length()) >= 2) counts.merge(t, 1, Integer::sum);
    }
    List<Map.Entry<String, Integer>> key = new ArrayList<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() >= 2) key.add(e);
    }
    // Stable sort: among equally frequent terms, the first one in the source comes first.
    key.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
    if (key.size() > KEY_TERMS) key = key.subList(0, KEY_TERMS);
    if (key.size() < MIN_KEY_TERMS) return OptionalDouble.empty();
    Set<String> summaryTerms = new HashSet<>(TextTerms.contentTerms(TextTerms.head(summary, MAX_CHARS)));
    double covered = 0;
    double total = 0;
    for (Map.Entry<String, Integer> e : key) {
      total += e.getValue();
      if (summaryTerms.contains(e.getKey())) covered += e.getValue();
    }
    return OptionalDouble.of(covered / total);
  }
}
