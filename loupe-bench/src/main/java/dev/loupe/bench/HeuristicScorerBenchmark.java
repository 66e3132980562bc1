package dev.loupe.bench;

import dev.loupe.dimension.model.quality.HeuristicScorer;
import dev.loupe.dimension.model.quality.HeuristicSettings;
import dev.loupe.dimension.model.quality.RequestContext;
import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.Score;
import dev.loupe.model.SeriesKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The built-in quality evaluators on one captured inference, every check enabled, as the ingest
 * path would run them: a chat answer (a 300-character question, a 900-character answer), a RAG
 * answer against five 1,000-character documents, and a 20,000-character completion.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class HeuristicScorerBenchmark {
  static final String SENTENCE = "The refund is issued to the original payment method within 5 business days after"
      + " the returned item is received at our warehouse, and shipping costs are not refunded. ";

  HeuristicScorer scorer;
  Inference chat;
  Inference rag;
  Inference longAnswer;
  RequestContext documents;

  @Setup
  public void setUp() {
    scorer = new HeuristicScorer(HeuristicSettings.DEFAULTS);
    String question = "I bought a kettle three weeks ago and it stopped working. How long do I have to return it,"
        + " who pays for shipping, and when will I get my money back? I paid by credit card and live in Lyon.";
    chat = inference(question, SENTENCE.repeat(6));
    rag = inference(question, SENTENCE.repeat(4));
    longAnswer = inference(question, SENTENCE.repeat(110));
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 5; i++) docs.add(("Section " + i + ". " + SENTENCE).repeat(6));
    documents = RequestContext.retrieved(docs);
  }

  static Inference inference(String prompt, String completion) {
    return new Inference(1_796_000_000_000L, new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v1"), "chat", "r-1",
        "4bf92f3577b34da6a3ce929d0e0e4736", null, null, 80L, 200L, null, 900.0, 200.0, Outcome.OK, 200, "stop",
        null, null, prompt, completion, null);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<Score> chatAnswer() {
    return scorer.score(chat, RequestContext.NONE);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<Score> ragAnswer() {
    return scorer.score(rag, documents);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<Score> longAnswer() {
    return scorer.score(longAnswer, RequestContext.NONE);
  }
}
