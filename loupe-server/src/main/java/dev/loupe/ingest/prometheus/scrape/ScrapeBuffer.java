package dev.loupe.ingest.prometheus.scrape;

import dev.loupe.model.Batch;
import dev.loupe.model.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the samples of many scrapes and hands them on together, once per flush interval (or
 * sooner when a bound is reached). Scrapes of hundreds of targets arrive spread over their
 * interval, one small batch each; committing each alone would pay a store commit per scrape.
 * Nobody is acknowledged for a scrape, so, like Prometheus (which does not fsync per scrape), a
 * crash may lose the last interval's scraped samples; pushed data (remote_write, the JSON API)
 * stays durable before its answer.
 */
public final class ScrapeBuffer implements Consumer<Batch>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapeBuffer.class);
  static final int MAX_BUFFERED = 200_000;

  private final Consumer<Batch> next;
  private final ScheduledExecutorService flusher;
  private List<Sample> pending = new ArrayList<>();

  public ScrapeBuffer(Consumer<Batch> next, long flushMillis) {
    this.next = next;
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loupe-scrape-flush");
      t.setDaemon(true);
      return t;
    });
    flusher.scheduleWithFixedDelay(this::flushLogged, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void accept(Batch batch) {
    boolean full;
    synchronized (this) {
      pending.addAll(batch.samples());
      full = pending.size() >= MAX_BUFFERED;
    }
    if (full) flusher.execute(this::flushLogged);
  }

  /** Hands on what is buffered now; returns how many samples. */
  public int flush() {
    List<Sample> out;
    synchronized (this) {
      if (pending.isEmpty()) return 0;
      out = pending;
      pending = new ArrayList<>(out.size());
    }
    next.accept(Batch.ofSamples(out));
    return out.size();
  }

  private void flushLogged() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.error("storing scraped samples failed; they are lost", e);
    }
  }

  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushLogged();
  }
}
