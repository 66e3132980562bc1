package dev.loupe.dimension.model.quality;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SummaryCoverageTest {
  static final String ARTICLE = "The city council approved a new budget for public transport on Tuesday. The budget"
      + " raises spending on buses by 12 percent and funds two new tram lines. Council members said the tram lines"
      + " would connect the northern suburbs with the city centre by 2028. Critics of the budget argued that bus"
      + " fares should have been frozen instead, since fares rose twice last year. The mayor defended the budget,"
      + " saying the tram lines would cut commuting times and that bus fares remain below the national average."
      + " The council will publish the detailed budget next month, and construction of the tram lines is expected"
      + " to start in spring.";

  @Test
  void aSummaryThatKeepsTheSubjectCoversMost() {
    String summary = "The council approved a public transport budget that raises bus spending by 12% and funds two"
        + " tram lines to the northern suburbs by 2028; critics wanted bus fares frozen, the mayor defended it.";
    assertThat(SummaryCoverage.of(summary, ARTICLE).orElseThrow()).isGreaterThan(0.7);
  }

  @Test
  void aSummaryThatMissesThePointCoversLittle() {
    String summary = "Construction is expected to start in spring, and details will be published next month.";
    assertThat(SummaryCoverage.of(summary, ARTICLE).orElseThrow()).isLessThan(0.2);
  }

  @Test
  void missingTheMainSubjectCostsMoreThanMissingADetail() {
    double withoutSubject = SummaryCoverage.of("The council approved it; the mayor defended it.", ARTICLE).orElseThrow();
    double withSubject = SummaryCoverage.of("The council approved a budget with new tram lines; the mayor defended it.",
        ARTICLE).orElseThrow();
    assertThat(withSubject).isGreaterThan(withoutSubject + 0.3);
  }

  @Test
  void aShortSourceHasNoKeyTerms() {
    assertThat(SummaryCoverage.of("Tram lines approved.", "The council approved two tram lines.")).isEmpty();
  }

  @Test
  void aSummaryIsAskedForInManyLanguages() {
    assertThat(SummaryCoverage.asksForSummary("chat", "Summarize the following article:\n...")).isTrue();
    assertThat(SummaryCoverage.asksForSummary("chat", "TL;DR this thread please")).isTrue();
    assertThat(SummaryCoverage.asksForSummary("chat", "Résume cet article en trois phrases.")).isTrue();
    assertThat(SummaryCoverage.asksForSummary("chat", "Fasse den folgenden Text kurz zusammen.")).isTrue();
    assertThat(SummaryCoverage.asksForSummary("chat", "请总结以下文章。")).isTrue();
    assertThat(SummaryCoverage.asksForSummary("chat", "次の記事を要約してください。")).isTrue();
    assertThat(SummaryCoverage.asksForSummary("summarize", "Text: ...")).isTrue();
    assertThat(SummaryCoverage.asksForSummary("chat", "What is the capital of France?")).isFalse();
  }
}
