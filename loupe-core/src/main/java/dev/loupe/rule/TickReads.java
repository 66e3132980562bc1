package dev.loupe.rule;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reads of one evaluation, shared: rules that read the same metric over the same range
 * (a warning and a critical rule on one signal, both sides of a ratio of one counter) get one
 * read of all its series, each filtered by its own matchers. Lives for one evaluation only.
 */
final class TickReads implements SignalSource {
  private record Key(String name, long from, long to) {}

  private final SignalSource source;
  private final ConcurrentHashMap<Key, CompletableFuture<List<RangeSeries>>> reads = new ConcurrentHashMap<>();

  TickReads(SignalSource source) {
    this.source = source;
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    Key key = new Key(selector.metricName(), fromMillis, toMillis);
    CompletableFuture<List<RangeSeries>> mine = new CompletableFuture<>();
    CompletableFuture<List<RangeSeries>> read = reads.putIfAbsent(key, mine);
    if (read == null) {
      read = mine;
      try {
        mine.complete(source.range(new SeriesSelector(key.name(), List.of()), fromMillis, toMillis));
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
      }
    }
    List<RangeSeries> all;
    try {
      all = read.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    if (selector.matchers().isEmpty()) return all;
    List<RangeSeries> out = new ArrayList<>();
    for (RangeSeries s : all) {
      boolean ok = true;
      for (LabelMatcher m : selector.matchers()) {
        if (!m.matches(s.labels().get(m.name()))) {
          ok = false;
          break;
        }
      }
      if (ok) out.add(s);
    }
    return out;
  }
}
