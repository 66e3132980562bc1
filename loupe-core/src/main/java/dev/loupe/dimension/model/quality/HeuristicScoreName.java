package dev.loupe.dimension.model.quality;

/**
 * The names of the scores the built-in evaluators produce (source {@code heuristic}), with the
 * range each value stays in. Flags are 0 or 1, shares 0..1, lengths 0 or more.
 */
public enum HeuristicScoreName {
  /** The answer's length in Unicode code points (a Han character is one). */
  RESPONSE_LENGTH_CHARS("response_length_chars", 0, Double.POSITIVE_INFINITY, false),
  /** The answer's length in tokens, as the inference reported ({@code output_tokens}). */
  RESPONSE_LENGTH_TOKENS("response_length_tokens", 0, Double.POSITIVE_INFINITY, false),
  /** 1 when the answer declines or says it does not know, instead of answering. */
  REFUSAL("refusal", 0, 1, true),
  /** 1 when the model stopped at its token limit ({@code finish_reason} length, max_tokens…). */
  TRUNCATED("truncated", 0, 1, true),
  /** 1 when the answer is empty or holds no letter or digit. */
  EMPTY_ANSWER("empty_answer", 0, 1, true),
  /** Share of the answer's content terms and term pairs found in the retrieved context. */
  GROUNDEDNESS("groundedness", 0, 1, false),
  /** Frequency-weighted recall of the source's key terms in a summary. */
  SUMMARY_COVERAGE("summary_coverage", 0, 1, false),
  /** 1 when the answer is the JSON the request asked for. */
  STRUCTURED_OUTPUT_VALID("structured_output_valid", 0, 1, true),
  /** 1 when the answer's code fences are closed and its brackets balance. */
  CODE_BLOCK_VALID("code_block_valid", 0, 1, true),
  /** 1 when the answer is in another language than the prompt. */
  LANGUAGE_SWITCH("language_switch", 0, 1, true);

  private final String wireName;
  private final double min;
  private final double max;
  private final boolean flag;

  HeuristicScoreName(String wireName, double min, double max, boolean flag) {
    this.wireName = wireName;
    this.min = min;
    this.max = max;
    this.flag = flag;
  }

  /** The score's name as stored and served. */
  public String wireName() {
    return wireName;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  /** Whether the value is only ever 0 or 1. */
  public boolean flag() {
    return flag;
  }

  /** Whether {@code value} is one this score can take. */
  public boolean accepts(double value) {
    return Double.isFinite(value) && value >= min && value <= max && (!flag || value == 0 || value == 1);
  }
}
