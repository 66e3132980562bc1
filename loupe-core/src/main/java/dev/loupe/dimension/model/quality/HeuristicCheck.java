package dev.loupe.dimension.model.quality;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The built-in evaluators, as they are named in the config, each with the scores it produces. */
public enum HeuristicCheck {
  RESPONSE_LENGTH(HeuristicScoreName.RESPONSE_LENGTH_CHARS, HeuristicScoreName.RESPONSE_LENGTH_TOKENS),
  REFUSAL(HeuristicScoreName.REFUSAL),
  TRUNCATION(HeuristicScoreName.TRUNCATED),
  EMPTY_ANSWER(HeuristicScoreName.EMPTY_ANSWER),
  GROUNDEDNESS(HeuristicScoreName.GROUNDEDNESS),
  SUMMARY_COVERAGE(HeuristicScoreName.SUMMARY_COVERAGE),
  STRUCTURED_OUTPUT(HeuristicScoreName.STRUCTURED_OUTPUT_VALID, HeuristicScoreName.CODE_BLOCK_VALID),
  LANGUAGE_SWITCH(HeuristicScoreName.LANGUAGE_SWITCH);

  private final List<HeuristicScoreName> scores;

  HeuristicCheck(HeuristicScoreName... scores) {
    this.scores = List.of(scores);
  }

  public List<HeuristicScoreName> scores() {
    return scores;
  }

  /** The name in the config: {@code response_length}, {@code refusal}, … */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The check a config names; fails naming the known ones. */
  public static HeuristicCheck parse(String name) {
    for (HeuristicCheck c : values()) {
      if (c.configName().equals(name == null ? null : name.strip().toLowerCase(Locale.ROOT))) return c;
    }
    throw new IllegalArgumentException("unknown check '" + name + "'; known: "
        + Arrays.stream(values()).map(HeuristicCheck::configName).collect(Collectors.joining(", ")));
  }
}
