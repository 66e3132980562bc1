package dev.loupe.dimension.model.quality;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * How much of an answer its retrieved context supports: the mean of two shares, the answer's
 * distinct content terms found in the context and its distinct pairs of adjacent content terms
 * found adjacent in the context. Terms and pairs that only echo the question (in the prompt, not
 * in the context) count neither way: restating the question is not an invented claim. Words alone
 * reward an answer that reuses the topic's vocabulary; pairs catch it recombining them into claims
 * the context does not make.
 */
final class Groundedness {
  /** An answer with fewer distinct content terms to judge than this gets no score. */
  static final int MIN_TERMS = 3;
  /** The retrieved documents are read this far in all (and the prompt as far): the cost stays bounded. */
  static final int MAX_CONTEXT_CHARS = 200_000;
  static final int MAX_ANSWER_CHARS = 50_000;

  private Groundedness() {}

  static OptionalDouble of(String answer, List<String> documents, String prompt) {
    Set<String> contextTerms = new HashSet<>();
    Set<String> contextPairs = new HashSet<>();
    int budget = MAX_CONTEXT_CHARS;
    for (String d : documents) {
      if (d == null || budget <= 0) continue;
      String read = TextTerms.head(d, budget);
      budget -= read.length();
      collect(TextTerms.contentTerms(read), contextTerms, contextPairs);
    }
    if (contextTerms.isEmpty()) return OptionalDouble.empty();
    Set<String> promptTerms = new HashSet<>();
    Set<String> promptPairs = new HashSet<>();
    if (prompt != null) {
      collect(TextTerms.contentTerms(TextTerms.head(prompt, MAX_CONTEXT_CHARS)), promptTerms, promptPairs);
    }
    Set<String> answerTerms = new LinkedHashSet<>();
    Set<String> answerPairs = new LinkedHashSet<>();
    collect(TextTerms.contentTerms(TextTerms.head(answer, MAX_ANSWER_CHARS)), answerTerms, answerPairs);
    double[] terms = share(answerTerms, contextTerms, promptTerms);
    if (terms[1] < MIN_TERMS) return OptionalDouble.empty();
    double[] pairs = share(answerPairs, contextPairs, promptPairs);
    double termShare = terms[0] / terms[1];
    if (pairs[1] == 0) return OptionalDouble.of(termShare);
    return OptionalDouble.of((termShare + pairs[0] / pairs[1]) / 2);
  }

  /** {supported, judged}: judged leaves out what only the prompt holds. */
  private static double[] share(Set<String> answer, Set<String> context, Set<String> prompt) {
    int supported = 0;
    int judged = 0;
    for (String t : answer) {
      if (context.contains(t)) {
        supported++;
        judged++;
      } else if (!prompt.contains(t)) {
        judged++;
      }
    }
    return new double[] {supported, judged};
  }

  private static void collect(List<String> terms, Set<String> into, Set<String> pairs) {
    into.addAll(terms);
    for (int i = 0; i + 1 < terms.size(); i++) {
      pairs.add(terms.get(i) + ' ' + terms.get(i + 1));
    }
  }
}
