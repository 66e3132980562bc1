package dev.loupe.notify;

import dev.loupe.model.LabelMatcher;
import dev.loupe.notify.AlertDispatcher.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Alertmanager's route tree, one level deep: the child routes are tried in order; an alert goes
 * to the first whose matchers all hold, and on to the next ones only while the matched route
 * says {@code continue}; an alert no child takes goes to the root route.
 */
final class RouteTable {
  private final Route root;
  private final List<Route> routes;

  RouteTable(Route root, List<Route> routes) {
    this.root = root;
    this.routes = List.copyOf(routes);
  }

  /** A matched route and its path in group keys, {@code {}} for the root as in Alertmanager. */
  record Matched(Route route, String path) {}

  List<Matched> match(Map<String, String> labels) {
    List<Matched> out = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      Route r = routes.get(i);
      if (!matches(r.matchers(), labels)) continue;
      // The index keeps two routes with the same matchers apart.
      out.add(new Matched(r, "{}/" + i + matcherText(r.matchers())));
      if (!r.continueMatching()) break;
    }
    if (out.isEmpty()) out.add(new Matched(root, "{}"));
    return out;
  }

  private static boolean matches(List<LabelMatcher> matchers, Map<String, String> labels) {
    for (LabelMatcher m : matchers) {
      if (!m.matches(labels.getOrDefault(m.name(), ""))) return false;
    }
    return true;
  }

  private static String matcherText(List<LabelMatcher> matchers) {
    return matchers.stream()
        .map(m -> m.name() + m.op().symbol() + "\"" + m.value() + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }
}
