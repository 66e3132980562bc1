package dev.loupe.api;

import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.rule.Backtest;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleStatus;
import dev.loupe.rule.Transition;
import dev.loupe.server.DurationText;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/rules}, {@code GET /api/v1/alerts} in the shape of Prometheus's answers
 * (its field names, plus Loupe's {@code severity}, {@code dimension}, {@code missing_inputs} and
 * alert {@code history}), and {@code POST /api/v1/rules/test?since=14d}: a backtest of a running rule ({@code &rule=NAME}) or of posted
 * rules over stored history.
 */
final class RulesHandler {
  /** Posted rules are small; a larger body is refused before it is parsed. */
  static final int MAX_BODY_BYTES = 1024 * 1024;
  static final Duration DEFAULT_SINCE = Duration.ofDays(1);

  private final RuleApi rules;
  private final Clock clock;

  RulesHandler(RuleApi rules, Clock clock) {
    this.rules = rules;
    this.clock = clock;
  }

  void rules(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RuleStatus s : rules.engine().status()) {
      Rule r = s.rule();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("state", state(s.alerts()));
      m.put("name", r.name());
      m.put("query", RuleText.query(r));
      m.put("duration", r.forDuration().toMillis() / 1000.0);
      m.put("keepFiringFor", r.keepFiringFor().toMillis() / 1000.0);
      m.put("labels", Map.of("severity", lower(r.severity().name()), "dimension", r.dimension().wireName()));
      m.put("annotations", RuleText.sources(r.annotations()));
      m.put("alerts", s.alerts().stream().map(a -> alert(a, r)).toList());
      m.put("health", lower(s.health().name()));
      m.put("lastError", s.lastError());
      m.put("evaluationTime", s.lastDuration().toNanos() / 1e9);
      m.put("lastEvaluation", s.lastEvaluationMillis() == 0 ? "0001-01-01T00:00:00Z" : ApiJson.time(s.lastEvaluationMillis()));
      m.put("type", "alerting");
      m.put("missing_inputs", s.missingInputs());
      out.add(m);
    }
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", "loupe");
    group.put("file", "");
    group.put("rules", out);
    group.put("interval", rules.evaluationInterval().toMillis() / 1000.0);
    ApiJson.write(ctx, 200, success(Map.of("groups", List.of(group))));
  }

  void alerts(Context ctx) {
    List<Map<String, Object>> history = new ArrayList<>();
    List<Transition> changes = rules.engine().history();
    for (int i = changes.size() - 1; i >= 0; i--) history.add(transition(changes.get(i)));
    // The rules by name and severity, as the alerts' labels carry them, for each alert's signal.
    Map<String, Rule> byKey = new java.util.HashMap<>();
    int evaluated = 0;
    long last = 0;
    List<RuleStatus> status = rules.engine().status();
    for (RuleStatus s : status) {
      byKey.put(s.rule().name() + "/" + lower(s.rule().severity().name()), s.rule());
      if (s.lastEvaluationMillis() > 0) evaluated++;
      last = Math.max(last, s.lastEvaluationMillis());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("alerts", rules.engine().alerts().stream()
        .filter(a -> a.state() != AlertState.RESOLVED).map(a -> alert(a, byKey.get(key(a)))).toList());
    data.put("resolved", rules.engine().alerts().stream()
        .filter(a -> a.state() == AlertState.RESOLVED).map(a -> alert(a, byKey.get(key(a)))).toList());
    data.put("history", history);
    // Loupe's own: whether there is anything to fire at all, so "no alert" can be told from
    // "no rule has run yet" without reading every rule's status from /api/v1/rules.
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("total", status.size());
    summary.put("evaluated", evaluated);
    summary.put("last_evaluation", last == 0 ? null : ApiJson.time(last));
    data.put("rules", summary);
    ApiJson.write(ctx, 200, success(data));
  }

  private static String key(Alert a) {
    return a.rule() + "/" + a.labels().getOrDefault("severity", "");
  }

  void test(Context ctx) {
    long now = clock.millis();
    long from;
    long to;
    List<Rule> posted;
    Duration interval;
    try {
      interval = ctx.queryParam("interval") == null ? rules.evaluationInterval() : DurationText.parse(ctx.queryParam("interval"));
      if (interval.isZero()) throw new IllegalArgumentException("interval must be positive");
      Duration since = ctx.queryParam("since") == null ? DEFAULT_SINCE : DurationText.parse(ctx.queryParam("since"));
      to = QueryParams.time("until", ctx.queryParam("until"), now);
      from = to - since.toMillis();
      byte[] body = ctx.bodyAsBytes();
      if (body.length > MAX_BODY_BYTES) {
        ApiJson.error(ctx, 413, "the rules are larger than " + MAX_BODY_BYTES + " bytes", List.of());
        return;
      }
      String name = ctx.queryParam("rule");
      if (name != null) {
        if (body.length > 0) throw new IllegalArgumentException("give either ?rule=NAME or rules in the body, not both");
        posted = running(name);
      } else {
        posted = rules.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8));
      }
      if (posted.isEmpty()) throw new IllegalArgumentException("no rule in the body");
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (Rule r : posted) {
      Backtest.Result result;
      try {
        result = rules.backtest(r, from, to, interval);
      } catch (IllegalArgumentException | IllegalStateException e) {
        ApiJson.error(ctx, 400, r.name() + ": " + e.getMessage(), List.of());
        return;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("severity", lower(r.severity().name()));
      m.put("query", RuleText.query(r));
      m.put("evaluations", result.evaluations());
      m.put("missing_inputs", result.missingInputs());
      m.put("transitions", result.transitions().stream().map(RulesHandler::transition).toList());
      results.add(m);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("from", ApiJson.time(from));
    data.put("to", ApiJson.time(to));
    data.put("interval", DurationText.format(interval));
    data.put("rules", results);
    ApiJson.write(ctx, 200, success(data));
  }

  /** The running rules (built-in or the config's) named {@code NAME} (both severities) or {@code NAME/severity}. */
  private List<Rule> running(String name) {
    List<Rule> out = new ArrayList<>();
    for (RuleStatus st : rules.engine().status()) {
      Rule r = st.rule();
      if (name.equals(r.name()) || name.equals(r.name() + "/" + lower(r.severity().name()))) out.add(r);
    }
    if (out.isEmpty()) throw new IllegalArgumentException("no running rule named '" + name + "'; GET /api/v1/rules lists them");
    return out;
  }

  private static Map<String, Object> success(Object data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "success");
    body.put("data", data);
    return body;
  }

  private static String state(List<Alert> alerts) {
    if (alerts.stream().anyMatch(a -> a.state() == AlertState.FIRING)) return "firing";
    if (alerts.stream().anyMatch(a -> a.state() == AlertState.PENDING)) return "pending";
    return "inactive";
  }

  /** An alert in Prometheus's shape, plus Loupe's {@code signal} (see {@link AlertSignal}) when its rule is known. */
  static Map<String, Object> alert(Alert a, Rule rule) {
    Map<String, Object> m = alert(a);
    if (rule != null) m.put("signal", AlertSignal.of(rule, a.labels()));
    return m;
  }

  static Map<String, Object> alert(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("labels", new java.util.TreeMap<>(a.labels()));
    m.put("annotations", new java.util.TreeMap<>(a.annotations()));
    m.put("state", a.state() == AlertState.RESOLVED ? "inactive" : lower(a.state().name()));
    m.put("activeAt", ApiJson.time(a.activeSinceMillis()));
    if (a.firedAtMillis() > 0) m.put("firedAt", ApiJson.time(a.firedAtMillis()));
    if (a.resolvedAtMillis() > 0) m.put("resolvedAt", ApiJson.time(a.resolvedAtMillis()));
    m.put("value", QueryRangeHandler.format(a.value()));
    return m;
  }

  private static Map<String, Object> transition(Transition t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alertname", t.rule());
    m.put("state", lower(t.kind().name()));
    m.put("at", ApiJson.time(t.atMillis()));
    m.put("active_since", ApiJson.time(t.activeSinceMillis()));
    m.put("value", QueryRangeHandler.format(t.value()));
    m.put("labels", t.labels());
    return m;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
