package dev.loupe.model;

import java.util.Locale;

/** Who produced a quality score. */
public enum ScoreSource {
  HUMAN,
  LABEL,
  LLM_JUDGE,
  HEURISTIC;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ScoreSource parse(String field, String value) {
    if (value == null) {
      return HEURISTIC;
    }
    switch (value.toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "human":
      case "feedback":
        return HUMAN;
      case "label":
        return LABEL;
      case "llm_judge":
      case "judge":
        return LLM_JUDGE;
      case "heuristic":
        return HEURISTIC;
      default:
        throw new InvalidRecordException(
            field, "must be one of human, label, llm_judge, heuristic; got " + value);
    }
  }
}
