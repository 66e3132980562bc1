package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.SeriesSelector;
import dev.loupe.notify.AlertDispatcher;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code alerting} block of {@code loupe.yml}: where alerts are sent. Alertmanagers get every
 * firing and resolved alert as Prometheus sends them; webhooks and the log get them routed and
 * grouped as Alertmanager's {@code route} does (one level of child routes). Without this block,
 * alerts go to the log.
 */
public record AlertingConfig(
    List<AlertmanagerConfig> alertmanagers,
    List<WebhookConfig> webhooks,
    RouteConfig route,
    DeliveryConfig delivery) {
  public static final String LOG_RECEIVER = "log";

  public AlertingConfig {
    alertmanagers = alertmanagers == null ? List.of() : List.copyOf(alertmanagers);
    webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    route = route == null ? new RouteConfig(null, null, null, null, null, null, null, null) : route;
    delivery = delivery == null ? new DeliveryConfig(null, null, null) : delivery;
    Set<String> receivers = new HashSet<>(Set.of(LOG_RECEIVER));
    for (WebhookConfig w : webhooks) {
      if (!receivers.add(w.name())) {
        throw new IllegalArgumentException("webhooks: two receivers are named '" + w.name() + "' ('log' is built in)");
      }
    }
    List<RouteConfig> all = new ArrayList<>(route.routes());
    all.add(route);
    for (RouteConfig r : all) {
      if (r.receiver() != null && !receivers.contains(r.receiver())) {
        throw new IllegalArgumentException("route receiver '" + r.receiver() + "' is not defined; receivers are 'log'"
            + " and the webhooks' names " + webhooks.stream().map(WebhookConfig::name).toList());
      }
    }
    if (route.matchers() != null && !route.matchers().isEmpty()) {
      throw new IllegalArgumentException("route: the root route takes every alert and has no matchers");
    }
  }

  /**
   * The dispatcher's settings; the evaluation interval and {@code resend_delay} come from the
   * {@code rules} block, where Prometheus users look for them.
   */
  public AlertDispatcher.Settings settings(URI externalUrl, RulesConfig rules) {
    AlertDispatcher.Route root = route.resolve(null);
    List<AlertDispatcher.Route> children = route.routes().stream().map(r -> r.resolve(root)).toList();
    return new AlertDispatcher.Settings(
        externalUrl, rules.evaluationInterval(), rules.resendDelay(),
        alertmanagers.stream().map(a -> new AlertDispatcher.Alertmanager(a.url(), a.timeout())).toList(),
        webhooks.stream()
            .map(w -> new AlertDispatcher.Webhook(w.name(), w.url(), w.hmacSecret(), w.timeout(), w.sendResolved()))
            .toList(),
        root, children,
        new AlertDispatcher.Delivery(delivery.minBackoff(), delivery.maxBackoff(), delivery.maxAge()));
  }

  /** One Alertmanager: its base URL; alerts are posted to {@code <url>/api/v2/alerts}. */
  public record AlertmanagerConfig(URI url, Duration timeout) {
    public AlertmanagerConfig {
      httpUrl("url", url);
      timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
      positive("timeout", timeout);
    }
  }

  /** One webhook receiver; with {@code hmac_secret}, requests carry {@code X-Loupe-Signature}. */
  public record WebhookConfig(
      String name, URI url, @JsonProperty("hmac_secret") String hmacSecret,
      @JsonProperty("send_resolved") Boolean sendResolved, Duration timeout) {
    public WebhookConfig {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required (routes name it as receiver)");
      httpUrl("url", url);
      if (hmacSecret != null && hmacSecret.isEmpty()) throw new IllegalArgumentException("hmac_secret is empty");
      sendResolved = sendResolved == null || sendResolved;
      timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
      positive("timeout", timeout);
    }
  }

  /**
   * A route as in Alertmanager: {@code matchers} like {@code 'severity="critical"'}, a receiver,
   * grouping; unset keys of a child route are taken from the root, whose defaults are
   * Alertmanager's (receiver {@code log}, no group_by, 30s / 5m / 4h).
   */
  public record RouteConfig(
      String receiver,
      List<String> matchers,
      @JsonProperty("group_by") List<String> groupBy,
      @JsonProperty("group_wait") Duration groupWait,
      @JsonProperty("group_interval") Duration groupInterval,
      @JsonProperty("repeat_interval") Duration repeatInterval,
      @JsonProperty("continue") Boolean continueMatching,
      List<RouteConfig> routes) {
    public RouteConfig {
      matchers = matchers == null ? List.of() : List.copyOf(matchers);
      parseMatchers(matchers);
      routes = routes == null ? List.of() : List.copyOf(routes);
      for (RouteConfig child : routes) {
        if (!child.routes().isEmpty()) {
          throw new IllegalArgumentException("routes: child routes cannot have routes of their own (one level)");
        }
      }
      for (Duration d : new Duration[] {groupWait, groupInterval, repeatInterval}) {
        if (d != null && d.isNegative()) throw new IllegalArgumentException("group_wait, group_interval and"
            + " repeat_interval must not be negative");
      }
      if (groupInterval != null && groupInterval.isZero()) throw new IllegalArgumentException("group_interval must be > 0");
    }

    AlertDispatcher.Route resolve(AlertDispatcher.Route parent) {
      return new AlertDispatcher.Route(
          parseMatchers(matchers),
          receiver != null ? receiver : parent != null ? parent.receiver() : LOG_RECEIVER,
          groupBy != null ? groupBy : parent != null ? parent.groupBy() : List.of(),
          groupWait != null ? groupWait : parent != null ? parent.groupWait() : Duration.ofSeconds(30),
          groupInterval != null ? groupInterval : parent != null ? parent.groupInterval() : Duration.ofMinutes(5),
          repeatInterval != null ? repeatInterval : parent != null ? parent.repeatInterval() : Duration.ofHours(4),
          continueMatching != null && continueMatching);
    }

    private static List<LabelMatcher> parseMatchers(List<String> matchers) {
      List<LabelMatcher> out = new ArrayList<>();
      for (String m : matchers) {
        try {
          out.addAll(SeriesSelector.parse("alert{" + m + "}").matchers());
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("matchers: '" + m + "' is not a label matcher like 'severity=\"critical\"'"
              + " or 'dimension=~\"compute|model\"': " + e.getMessage());
        }
      }
      return out;
    }
  }

  /**
   * The outbox's retry policy: a failed delivery is retried after {@code min_backoff}, doubling up
   * to {@code max_backoff}; a notification still undelivered after {@code max_age} is dropped.
   */
  public record DeliveryConfig(
      @JsonProperty("min_backoff") Duration minBackoff,
      @JsonProperty("max_backoff") Duration maxBackoff,
      @JsonProperty("max_age") Duration maxAge) {
    public DeliveryConfig {
      minBackoff = minBackoff == null ? Duration.ofSeconds(1) : minBackoff;
      maxBackoff = maxBackoff == null ? Duration.ofMinutes(5) : maxBackoff;
      maxAge = maxAge == null ? Duration.ofHours(24) : maxAge;
      positive("min_backoff", minBackoff);
      positive("max_age", maxAge);
      if (maxBackoff.compareTo(minBackoff) < 0) throw new IllegalArgumentException("max_backoff must be >= min_backoff");
    }
  }

  private static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(key + " must be > 0, got " + d);
  }

  private static void httpUrl(String key, URI url) {
    if (url == null) throw new IllegalArgumentException(key + " is required");
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException(key + " must be an http:// or https:// URL, got " + url);
    }
  }
}
