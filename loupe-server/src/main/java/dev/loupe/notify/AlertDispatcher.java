package dev.loupe.notify;

import dev.loupe.model.Alert;
import dev.loupe.model.LabelMatcher;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the rule engine's alerts after each evaluation and turns them into notifications: to
 * every Alertmanager as Prometheus sends them ({@link AlertmanagerFeed}), and routed and grouped
 * as Alertmanager would to webhooks and the log ({@link AlertGroups}). Every notification is
 * written to the outbox before {@link #dispatch} returns and delivered from it on the
 * dispatcher's own threads, at least once, across restarts.
 *
 * <pre>{@code
 * AlertDispatcher d = AlertDispatcher.open(settings, dataDir, clock, registry);
 * d.start();                                  // background delivery and group timers
 * engine.onEvaluation(d.consumer());          // each evaluation's pending/firing/resolved alerts
 * }</pre>
 */
public final class AlertDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
  /** How often group timers and retries are looked at. */
  static final Duration TICK = Duration.ofSeconds(1);

  /** Everything the dispatcher is configured with. */
  public record Settings(
      URI externalUrl,
      Duration evaluationInterval,
      Duration resendDelay,
      List<Alertmanager> alertmanagers,
      List<Webhook> webhooks,
      Route route,
      List<Route> routes,
      Delivery delivery) {
    public Settings {
      alertmanagers = List.copyOf(alertmanagers);
      webhooks = List.copyOf(webhooks);
      routes = List.copyOf(routes);
      Set<String> receivers = new HashSet<>(Set.of(LogNotifier.NAME));
      for (Webhook w : webhooks) {
        if (!receivers.add(w.name())) throw new IllegalArgumentException("two receivers are named '" + w.name() + "'");
      }
      List<Route> all = new ArrayList<>(routes);
      all.add(route);
      for (Route r : all) {
        if (!receivers.contains(r.receiver())) {
          throw new IllegalArgumentException("route receiver '" + r.receiver() + "' is neither 'log' nor a webhook name "
              + receivers);
        }
      }
    }

    /** The same settings with the rule engine's evaluation interval. */
    public Settings withEvaluationInterval(Duration interval) {
      return new Settings(externalUrl, interval, resendDelay, alertmanagers, webhooks, route, routes, delivery);
    }
  }

  /** One Alertmanager, by its base URL ({@code http://host:9093}). */
  public record Alertmanager(URI url, Duration timeout) {}

  /** One webhook receiver; {@code hmacSecret} may be null (no signature). */
  public record Webhook(String name, URI url, String hmacSecret, Duration timeout, boolean sendResolved) {}

  /** A route: which alerts (all matchers hold), to which receiver, grouped how. */
  public record Route(
      List<LabelMatcher> matchers,
      String receiver,
      List<String> groupBy,
      Duration groupWait,
      Duration groupInterval,
      Duration repeatInterval,
      boolean continueMatching) {
    public Route {
      matchers = List.copyOf(matchers);
      groupBy = List.copyOf(groupBy);
    }
  }

  /** Retry and give-up policy of the outbox. */
  public record Delivery(Duration minBackoff, Duration maxBackoff, Duration maxAge) {}

  private final Clock clock;
  private final Outbox outbox;
  private final NotificationMetrics metrics;
  private final LoupeLinks links;
  private final AlertmanagerFeed feed;
  private final AlertGroups groups;
  private final List<String> alertmanagers = new ArrayList<>();
  private final Map<String, OutboxDelivery> deliveries = new LinkedHashMap<>();
  private ScheduledExecutorService threads;

  private AlertDispatcher(Settings s, Outbox outbox, Clock clock, NotificationMetrics metrics) {
    this.clock = clock;
    this.outbox = outbox;
    this.metrics = metrics;
    this.links = new LoupeLinks(s.externalUrl());
    this.feed = new AlertmanagerFeed(s.resendDelay(), s.evaluationInterval(), links);
    Set<String> sendsResolved = new HashSet<>(Set.of(LogNotifier.NAME));
    List<Notifier> notifiers = new ArrayList<>();
    for (Alertmanager a : s.alertmanagers()) {
      AlertmanagerNotifier n = new AlertmanagerNotifier(a.url(), a.timeout());
      alertmanagers.add(n.name());
      notifiers.add(n);
    }
    notifiers.add(new LogNotifier());
    for (Webhook w : s.webhooks()) {
      notifiers.add(new WebhookNotifier(w.name(), w.url(), w.hmacSecret(), w.timeout()));
      if (w.sendResolved()) sendsResolved.add(w.name());
    }
    for (Notifier n : notifiers) {
      Delivery d = s.delivery();
      deliveries.put(n.name(), new OutboxDelivery(outbox, n, d.minBackoff(), d.maxBackoff(), d.maxAge(), metrics));
    }
    this.groups = new AlertGroups(new RouteTable(s.route(), s.routes()), sendsResolved::contains);
    for (String queued : outbox.notifiers()) {
      if (deliveries.containsKey(queued)) continue;
      int dropped = outbox.removeAll(queued);
      LOG.error("dropped {} queued notifications for '{}', which is no longer configured", dropped, queued);
      metrics.count(queued, "unconfigured", dropped);
    }
    int waiting = outbox.size();
    metrics.queueLength(waiting);
    if (waiting > 0) LOG.info("{} notifications waiting in the outbox from before the restart", waiting);
  }

  /** Opens the outbox in {@code dataDir} (created if missing); nothing is sent until {@link #start}. */
  public static AlertDispatcher open(Settings settings, Path dataDir, Clock clock, PrometheusRegistry registry) {
    Outbox outbox = DuckDbOutbox.open(dataDir);
    try {
      return new AlertDispatcher(settings, outbox, clock, new NotificationMetrics(registry));
    } catch (RuntimeException e) {
      outbox.close();
      throw e;
    }
  }

  /** Starts delivering from the outbox and running group timers, on the dispatcher's own threads. */
  public synchronized void start() {
    if (threads != null) return;
    threads = Executors.newScheduledThreadPool(Math.min(8, deliveries.size() + 1), r -> {
      Thread t = new Thread(r, "loupe-notify");
      t.setDaemon(true);
      return t;
    });
    threads.scheduleWithFixedDelay(() -> logged(() -> flushGroups(clock.millis())), 0, TICK.toMillis(),
        TimeUnit.MILLISECONDS);
    for (OutboxDelivery d : deliveries.values()) {
      threads.scheduleWithFixedDelay(() -> logged(() -> d.deliverDueIfIdle(clock.millis())), 0, TICK.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /** What the rule engine calls after each evaluation: {@link #dispatch} at the clock's time. */
  public Consumer<List<Alert>> consumer() {
    return alerts -> dispatch(alerts, clock.millis());
  }

  /**
   * Takes every pending, firing and still-kept resolved alert of one evaluation. Queues what is
   * due now in the outbox (durable when this returns) and leaves the sending to the delivery
   * threads; it never waits on a receiver.
   */
  public void dispatch(List<Alert> alerts, long nowMillis) {
    Set<String> queued;
    synchronized (this) {
      queued = new HashSet<>();
      try {
        for (String body : feed.bodies(alerts, nowMillis)) {
          for (String am : alertmanagers) {
            outbox.add(am, body, nowMillis);
            queued.add(am);
          }
        }
        groups.update(alerts, nowMillis);
        queued.addAll(queueGroups(nowMillis));
        metrics.queueLength(outbox.size());
      } catch (RuntimeException e) {
        // Never thrown into the rule engine: Alertmanager batches go again after resend_delay.
        LOG.error("queueing alert notifications failed", e);
      }
    }
    wake(queued);
  }

  /** Queues the notifications of groups whose {@code group_wait} or {@code group_interval} is up. */
  public void flushGroups(long nowMillis) {
    Set<String> queued;
    synchronized (this) {
      queued = queueGroups(nowMillis);
      if (!queued.isEmpty()) metrics.queueLength(outbox.size());
    }
    wake(queued);
  }

  /** Delivers now whatever is due in the outbox, on the caller's thread; returns how many went out. */
  public int deliverDue(long nowMillis) {
    int n = 0;
    for (OutboxDelivery d : deliveries.values()) n += d.deliverDue(nowMillis);
    return n;
  }

  /** Notifications waiting in the outbox. */
  public int queueLength() {
    return outbox.size();
  }

  private Set<String> queueGroups(long now) {
    Set<String> queued = new HashSet<>();
    for (AlertGroups.GroupNotification n : groups.flushDue(now)) {
      outbox.add(n.receiver(), WebhookPayload.render(n, links), now);
      queued.add(n.receiver());
    }
    return queued;
  }

  private void wake(Set<String> notifiers) {
    ScheduledExecutorService t;
    synchronized (this) {
      t = threads;
    }
    if (t == null || t.isShutdown()) return;
    for (String name : notifiers) {
      OutboxDelivery d = deliveries.get(name);
      try {
        t.execute(() -> logged(() -> d.deliverDueIfIdle(clock.millis())));
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        return; // closing: what is queued stays in the outbox for the next start
      }
    }
  }

  private static void logged(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("notification delivery failed; will retry", e);
    }
  }

  /** Stops the delivery threads and closes the outbox; what is not delivered stays queued. */
  @Override
  public void close() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = threads;
    }
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      outbox.close();
    }
  }
}
