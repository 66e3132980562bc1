package dev.loupe.dimension.security;

import java.util.List;

/**
 * How much one text looks like a prompt injection or jailbreak, and why.
 *
 * @param score 0..1, rules and classifier combined; compare with the deployment's threshold
 * @param ruleScore 0..1 from the rules alone (0 when none matched)
 * @param classifierScore 0..1, the n-gram classifier's probability for the text's worst window
 * @param rules ids of the rules that matched, strongest first ({@code override_previous},
 *     {@code base64:override_previous} when found in a decoded payload, {@code invisible_tag_characters}…)
 * @param ngrams the n-grams that pushed the classifier most, only from its training vocabulary
 *     (so they quote no user text); empty when the classifier had little to say
 * @param start start of the strongest evidence in the raw text (UTF-16 index)
 * @param end end of the strongest evidence in the raw text
 */
public record InjectionVerdict(
    double score, double ruleScore, double classifierScore, List<String> rules, List<String> ngrams, int start, int end) {
  public static final InjectionVerdict NONE = new InjectionVerdict(0, 0, 0, List.of(), List.of(), 0, 0);

  public InjectionVerdict {
    rules = List.copyOf(rules);
    ngrams = List.copyOf(ngrams);
  }

  public boolean atLeast(double threshold) {
    return score >= threshold;
  }
}
