package dev.loupe.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

/** Expected strings are those of Prometheus's template_test.go for the same inputs. */
class AlertTemplateTest {
  private static String each(DoubleFunction<String> f, double... values) {
    return DoubleStream.of(values).mapToObj(f).collect(Collectors.joining(":", "", ":"));
  }

  @Test
  void humanizeAsPrometheus() {
    assertThat(each(AlertTemplate::humanize, 0.0, 1.0, 1234567.0, .12)).isEqualTo("0:1:1.235M:120m:");
    assertThat(AlertTemplate.humanize(83.25)).isEqualTo("83.25");
    assertThat(AlertTemplate.humanize(0.000012345)).isEqualTo("12.35u");
  }

  @Test
  void humanizeDurationAsPrometheus() {
    assertThat(each(AlertTemplate::humanizeDuration, 0, 1, 60, 3600, 86400, 86400 + 3600,
        -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99))
        .isEqualTo("0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:");
    assertThat(each(AlertTemplate::humanizeDuration, .1, .0001, .12345, 60.1, 60.5, 1.2345, 12.345))
        .isEqualTo("100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:");
  }

  @Test
  void humanizePercentageAsPrometheus() {
    AlertTemplate t = AlertTemplate.parse("{{ $value | humanizePercentage }}");
    assertThat(each(v -> t.render(Map.of(), v), 0, 0.1234567, 0.5, 1, 1.5)).isEqualTo("0%:12.35%:50%:100%:150%:");
  }

  @Test
  void rendersLabelsAndValuesInBothSpellings() {
    Map<String, String> labels = Map.of("gpu", "3", "Hostname", "node-7");
    assertThat(AlertTemplate.parse("GPU {{ $labels.gpu }} on {{$labels.Hostname}} at {{ $value }} C").render(labels, 84))
        .isEqualTo("GPU 3 on node-7 at 84 C");
    assertThat(AlertTemplate.parse("{{ $value }}").render(labels, 0.25)).isEqualTo("0.25");
    assertThat(AlertTemplate.parse("{{ humanize $value }}/{{ $value | humanize }}").render(labels, 1500))
        .isEqualTo("1.5k/1.5k");
    assertThat(AlertTemplate.parse("p95 {{ $value | humanizeDuration }}").render(labels, 2.5)).isEqualTo("p95 2.5s");
    assertThat(AlertTemplate.parse("[{{ $labels.absent }}]").render(labels, 1)).isEqualTo("[]");
  }

  @Test
  void unsupportedFormsAreRefusedWithTheirColumn() {
    assertThatThrownBy(() -> AlertTemplate.parse("value {{ $value | upper }}"))
        .hasMessageStartingWith("column 7: unsupported template '{{ $value | upper }}'");
    assertThatThrownBy(() -> AlertTemplate.parse("x {{ $labels.gpu "))
        .hasMessageStartingWith("column 3: '{{' without '}}'");
    assertThatThrownBy(() -> AlertTemplate.parse("{{ range $labels }}")).hasMessageContaining("unsupported");
  }

  @Test
  void goTemplateSpellsEachActionOneWayAndDropsTrimMarkers() {
    AlertTemplate t = AlertTemplate.parse("GPU {{$labels.gpu}} at {{- humanize $value -}} C, {{ $value | humanizePercentage }} {{$value}}");
    assertThat(t.goTemplate())
        .isEqualTo("GPU {{ $labels.gpu }} at {{ $value | humanize }} C, {{ $value | humanizePercentage }} {{ $value }}");
    assertThat(AlertTemplate.parse(t.goTemplate()).render(Map.of("gpu", "3"), 1500))
        .isEqualTo(t.render(Map.of("gpu", "3"), 1500));
    assertThat(AlertTemplate.parse("no actions: 100% } {").goTemplate()).isEqualTo("no actions: 100% } {");
  }
}
