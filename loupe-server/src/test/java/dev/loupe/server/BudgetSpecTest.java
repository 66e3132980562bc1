package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.dimension.cost.Budget;
import dev.loupe.dimension.cost.BudgetPeriod;
import dev.loupe.dimension.cost.BudgetScope;
import dev.loupe.dimension.cost.BurnRateThresholds;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code budgets:} section, bound by the config loader with its line and key errors. */
class BudgetSpecTest {
  static List<BudgetSpec> budgets(String yaml) {
    return PriceCatalogFileTest.config(yaml).budgets();
  }

  @Test
  void readsCalendarAndRollingBudgets() {
    List<BudgetSpec> specs = budgets("""
        budgets:
          - name: org-monthly
            scope: organisation
            limit: 5000
            period: monthly
            zone: Europe/Paris
          - name: any-user-24h
            scope: user
            limit: 50
            period: rolling
            window: 24h
            burn_rate: {fast_multiple: 10}
          - name: acme-daily
            scope: tenant
            subject: acme
            limit: 200
            period: daily
        """);
    List<Budget> b = BudgetSpec.budgets(specs);
    assertThat(b.get(0)).isEqualTo(new Budget("org-monthly", BudgetScope.ORGANISATION, null, 5000,
        BudgetPeriod.monthly(ZoneId.of("Europe/Paris"))));
    assertThat(b.get(1)).isEqualTo(new Budget("any-user-24h", BudgetScope.USER, null, 50,
        BudgetPeriod.rolling(Duration.ofHours(24))));
    assertThat(b.get(2).subject()).isEqualTo("acme");
    assertThat(specs.get(0).thresholds()).isEqualTo(BurnRateThresholds.DEFAULT);
    assertThat(specs.get(1).thresholds())
        .isEqualTo(new BurnRateThresholds(Duration.ofHours(1), 10, Duration.ofHours(6), 6));
  }

  @Test
  void mistakesNameTheLineAndKey() {
    assertProblem("budgets:\n  - name: x\n    scope: team\n    limit: 5\n    period: daily\n",
        "loupe.yml:3:12: budgets[0].scope: scope must be one of organisation, tenant, user, api_key, deployment; got team");
    assertProblem("budgets:\n  - name: x\n    scope: user\n    limit: 5\n    period: rolling\n",
        "loupe.yml:5:13: budgets[0].period: a rolling period needs window (e.g. window: 24h)");
    assertProblem("budgets:\n  - name: x\n    scope: user\n    limit: 5\n    period: daily\n    window: 1h\n",
        "loupe.yml:6:13: budgets[0].window: window is for period: rolling; a daily budget resets at each day");
    assertProblem("budgets:\n  - name: x\n    scope: user\n    limit: 0\n    period: daily\n",
        "loupe.yml:4:12: budgets[0].limit: limit must be a positive amount of dollars, got 0.0");
    assertProblem("budgets:\n  - name: x\n    scope: tenant\n    limit: 5\n    period: monthly\n    zone: Mars/Olympus\n",
        "loupe.yml:6:11: budgets[0].zone: zone must be a time zone like UTC or Europe/Paris, got 'Mars/Olympus'");
    assertProblem("budgets:\n  - name: x\n    scope: organisation\n    subject: acme\n    limit: 5\n    period: daily\n",
        "loupe.yml:4:14: budgets[0].subject: an organisation budget covers all spend and has no subject, got acme");
    assertProblem("budgets:\n  - name: x\n    scope: user\n    limit: 5\n    period: daily\n"
            + "    burn_rate: {fast_window: 6h, slow_window: 1h}\n",
        "loupe.yml:6:30: budgets[0].burn_rate.fast_window: fast_window must be shorter than slow_window, got 6h and 1h");
    List<BudgetSpec> twice = budgets("budgets:\n  - {name: a, scope: user, limit: 1, period: daily}\n"
        + "  - {name: a, scope: tenant, limit: 1, period: daily}\n");
    assertThatThrownBy(() -> BudgetSpec.budgets(twice)).hasMessage("budget name 'a' is used twice");
  }

  private static void assertProblem(String yaml, String expected) {
    assertThatThrownBy(() -> budgets(yaml)).isInstanceOf(ConfigException.class).hasMessage(expected);
  }
}
