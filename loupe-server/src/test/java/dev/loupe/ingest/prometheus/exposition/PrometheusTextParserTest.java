package dev.loupe.ingest.prometheus.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusTextParserTest {
  final PrometheusTextParser parser = new PrometheusTextParser();

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = PrometheusTextParserTest.class.getResourceAsStream("/fixtures/prometheus/" + name)) {
      return in.readAllBytes();
    }
  }

  RecordingHandler parse(String body) throws ExpositionParseException {
    return RecordingHandler.parse(parser, body);
  }

  String error(String body) {
    ExpositionParseException e = catchThrowableOfType(ExpositionParseException.class, () -> parse(body));
    assertThat(e).as(body).isNotNull();
    return e.getMessage();
  }

  static Set<String> families(RecordingHandler h) {
    Set<String> f = new HashSet<>();
    h.samples.forEach(s -> f.add(s.family()));
    return f;
  }

  @Test
  void readsTheDcgmExporterScrape() throws Exception {
    RecordingHandler h = RecordingHandler.parse(parser, fixture("dcgm-exporter-nvidia-l4.prom"));
    assertThat(h.samples).hasSize(23);
    assertThat(families(h)).hasSize(23);
    RecordingHandler.Sample util = h.first("DCGM_FI_DEV_GPU_UTIL");
    assertThat(util.family()).isEqualTo("DCGM_FI_DEV_GPU_UTIL");
    assertThat(util.type()).isEqualTo(MetricType.GAUGE);
    assertThat(util.labels()).containsExactly(
        entry("gpu", "0"),
        entry("UUID", "GPU-c2f76b33-7953-256e-8f33-1343419b1a1c"),
        entry("pci_bus_id", "00000000:31:00.0"),
        entry("device", "nvidia0"),
        entry("modelName", "NVIDIA L4"),
        entry("Hostname", "i-030791dc5a37cd257"),
        entry("DCGM_FI_DRIVER_VERSION", "580.105.08"));
    assertThat(util.value()).isZero();
    assertThat(util.timestampMillis()).isEqualTo(ExpositionHandler.NO_TIMESTAMP);
    assertThat(h.first("DCGM_FI_DEV_FB_FREE").value()).isEqualTo(22563.0);
    assertThat(h.helps).containsEntry("DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).");
  }

  @Test
  void readsTheNodeExporterOutput() throws Exception {
    RecordingHandler h = RecordingHandler.parse(parser, fixture("node-exporter-e2e-output.txt"));
    assertThat(h.samples).hasSize(3027);
    assertThat(h.types).hasSize(1228);
    RecordingHandler.Sample wait = h.first("node_infiniband_port_transmit_wait_total");
    assertThat(wait.type()).isEqualTo(MetricType.COUNTER);
    assertThat(wait.labels()).containsExactly(entry("device", "mlx4_0"), entry("port", "1"));
    assertThat(wait.value()).isEqualTo(4.294967295e9);
    RecordingHandler.Sample info = h.first("node_infiniband_info");
    assertThat(info.labels()).containsEntry("board_id", "I40IW Board ID").containsEntry("hca_type", "I40IW");
    assertThat(h.samples).filteredOn(s -> s.name().startsWith("node_infiniband_"))
        .hasSize(51).extracting(s -> s.labels().get("device")).containsOnly("mlx4_0", "i40iw0");
  }

  @Test
  void mapsHistogramAndSummarySamplesToTheirFamily() throws Exception {
    RecordingHandler h = RecordingHandler.parse(parser, fixture("prometheus-bench-alltypes.237mfs.prom.txt"));
    assertThat(h.samples).hasSize(1857);
    assertThat(families(h)).hasSize(237);
    RecordingHandler.Sample bucket = h.samples.stream()
        .filter(s -> s.name().equals("go_gc_heap_allocs_by_size_bytes_bucket") && s.labels().get("le").equals("+Inf"))
        .findFirst().orElseThrow();
    assertThat(bucket.family()).isEqualTo("go_gc_heap_allocs_by_size_bytes");
    assertThat(bucket.type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(bucket.value()).isEqualTo(4.4046288803e10);
    assertThat(h.first("go_gc_heap_allocs_by_size_bytes_sum").family()).isEqualTo("go_gc_heap_allocs_by_size_bytes");
    RecordingHandler.Sample count = h.first("go_gc_duration_seconds_count");
    assertThat(count.family()).isEqualTo("go_gc_duration_seconds");
    assertThat(count.type()).isEqualTo(MetricType.SUMMARY);
    assertThat(count.value()).isEqualTo(190932.0);
    assertThat(h.first("go_gc_duration_seconds").labels()).containsExactly(entry("quantile", "0"));
  }

  @Test
  void suffixesOnlyJoinADeclaredFamily() throws Exception {
    RecordingHandler h = parse("# TYPE c counter\nc_count 1\nx_bucket{le=\"1\"} 2\n# TYPE s summary\ns_bucket 1\ns_sum 3\n");
    assertThat(h.samples).extracting(RecordingHandler.Sample::family).containsExactly("c_count", "x_bucket", "s_bucket", "s");
    assertThat(h.samples).extracting(RecordingHandler.Sample::type)
        .containsExactly(MetricType.UNKNOWN, MetricType.UNKNOWN, MetricType.UNKNOWN, MetricType.SUMMARY);
    assertThat(parse("# TYPE u untyped\nu 1\n").types).containsEntry("u", MetricType.UNKNOWN);
  }

  @Test
  void unescapesLabelValuesAndHelp() throws Exception {
    RecordingHandler h = parse("# HELP a back\\\\slash\\nnew line \\q kept \"quoted\"\n"
        + "a{p=\"C:\\\\dir\",q=\"say \\\"hi\\\"\",n=\"two\\nlines\",u=\"\\u00e9 \\d\",e=\"\",c=\"caf\u00e9 #{}\"} 1\n");
    assertThat(h.helps).containsEntry("a", "back\\slash\nnew line \\q kept \"quoted\"");
    assertThat(h.samples.get(0).labels()).containsExactly(
        entry("p", "C:\\dir"), entry("q", "say \"hi\""), entry("n", "two\nlines"), entry("u", "\\u00e9 \\d"),
        entry("e", ""), entry("c", "caf\u00e9 #{}"));
  }

  @Test
  void readsValuesAsGoDoes() throws Exception {
    RecordingHandler h = parse("v{i=\"0\"} NaN\nv{i=\"1\"} +Inf\nv{i=\"2\"} -Inf\nv{i=\"3\"} Inf\nv{i=\"4\"} 1e3\n"
        + "v{i=\"5\"} 0x1p-3\nv{i=\"6\"} -0\nv{i=\"7\"} .5\nv{i=\"8\"} 18446744073709551615\nv{i=\"9\"} 1.7976931348623157e308\n"
        + "v{i=\"10\"} 4.9e-324\nv{i=\"11\"} 0.1\nv{i=\"12\"} 123456.789e-3\n");
    assertThat(h.samples).extracting(RecordingHandler.Sample::value).containsExactly(
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1000.0,
        0.125, -0.0, 0.5, 1.8446744073709552e19, Double.MAX_VALUE, Double.MIN_VALUE, 0.1, 123.456789);
    assertThat(Double.doubleToRawLongBits(h.samples.get(6).value())).isEqualTo(Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void readsMillisecondTimestamps() throws Exception {
    RecordingHandler h = parse("a 1 1700000000123\na 2 -5\na 3 +7\na 4\n");
    assertThat(h.samples).extracting(RecordingHandler.Sample::timestampMillis)
        .containsExactly(1_700_000_000_123L, -5L, 7L, ExpositionHandler.NO_TIMESTAMP);
    assertThat(error("a 1 9223372036854775808\n")).isEqualTo("1:5: timestamp out of range");
  }

  @Test
  void isLenientWhereverPrometheusIs() throws Exception {
    RecordingHandler h = parse("\n  \n# any comment\n#HELP not metadata\n# EOF is just a comment here\n"
        + "a\t{ b = \"1\" ,\tc=\"2\", }  \t 3 \t 42  \r\n"
        + "   indented 1\n"
        + "empty{} 2\n"
        + "a_b:c 1\n\n");
    assertThat(h.samples).hasSize(4);
    RecordingHandler.Sample a = h.samples.get(0);
    assertThat(a.labels()).containsExactly(entry("b", "1"), entry("c", "2"));
    assertThat(a.value()).isEqualTo(3.0);
    assertThat(a.timestampMillis()).isEqualTo(42);
    assertThat(parse("").samples).isEmpty();
    assertThat(parse("a 1").samples).hasSize(1);
    assertThat(parse("# HELP a\n# HELP b \na 1\n").helps).containsEntry("a", "").containsEntry("b", "");
  }

  @Test
  void reportsEachFaultAtItsLineAndColumn() {
    // bad label syntax
    assertThat(error("ok 1\nfoo{a\"b\"} 1\n")).isEqualTo("2:6: expected '=' after label name a, found '\"'");
    assertThat(error("foo{a=\"b\" c=\"d\"} 1\n")).isEqualTo("1:11: expected ',' or '}' after the value of label a, found 'c'");
    assertThat(error("foo{0=\"b\"} 1\n")).isEqualTo("1:5: invalid label name: unexpected '0'");
    assertThat(error("foo{a=b} 1\n")).isEqualTo("1:7: expected '\"' to open the value of label a, found 'b'");
    assertThat(error("foo{a=\"1\",,} 1\n")).isEqualTo("1:11: invalid label name: unexpected ','");
    assertThat(error("foo{a=\"1\"\n")).isEqualTo("1:10: expected ',' or '}' after the value of label a, found end of line");
    assertThat(error("foo{a=\"1\",a=\"2\"} 1\n")).isEqualTo("1:11: duplicate label name a");
    // missing value
    assertThat(error("x 1\r\nfoo{a=\"b\"}\n")).isEqualTo("2:11: missing value for foo");
    assertThat(error("foo")).isEqualTo("1:4: missing value for foo");
    assertThat(error("foo   \n")).isEqualTo("1:7: missing value for foo");
    // unparsable value
    assertThat(error("foo 1x\n")).isEqualTo("1:5: invalid value '1x'");
    assertThat(error("foo 0x1\n")).isEqualTo("1:5: invalid value '0x1'");
    assertThat(error("foo nan1\n")).isEqualTo("1:5: invalid value 'nan1'");
    assertThat(error("foo -NaN\n")).isEqualTo("1:5: invalid value '-NaN'");
    assertThat(error("foo 1_000\n")).isEqualTo("1:5: invalid value '1_000'");
    // invalid metric name
    assertThat(error("0foo 1\n")).isEqualTo("1:1: invalid metric name: it cannot start with '0'");
    assertThat(error("a 1\n\nfoo-bar 1\n")).isEqualTo("3:4: invalid metric name: unexpected '-' after foo");
    assertThat(error("\"foo\" 1\n")).isEqualTo("1:1: invalid metric name: it cannot start with '\"'");
    // unterminated quote
    assertThat(error("foo{a=\"b} 1\nbar 2\n")).isEqualTo("1:7: unterminated label value: no closing '\"' on this line");
    assertThat(error("foo{a=\"\u00e9\\")).isEqualTo("1:7: unterminated label value: no closing '\"' on this line");
    // timestamps and trailing text
    assertThat(error("foo 1 1.5\n")).isEqualTo("1:7: invalid timestamp '1.5': milliseconds must be an integer");
    assertThat(error("foo 1 2 3\n")).isEqualTo("1:9: unexpected '3' after the timestamp");
    // metadata
    assertThat(error("# TYPE foo bar\n")).isEqualTo("1:12: invalid metric type 'bar': expected counter, gauge, histogram, summary or untyped");
    assertThat(error("# TYPE foo\n")).isEqualTo("1:11: missing type after # TYPE foo");
    assertThat(error("# TYPE foo gauge extra\n")).isEqualTo("1:18: unexpected 'e' after the type");
    assertThat(error("# HELP \n")).isEqualTo("1:8: missing metric name after # HELP");
    assertThat(error("# HELP 1a x\n")).isEqualTo("1:8: invalid metric name in # HELP: it cannot start with '1'");
    // columns count characters, not bytes
    assertThat(error("foo{a=\"\u00e9\u00e9\u00e9\"} x\n")).isEqualTo("1:14: invalid value 'x'");
  }

  @Test
  void rejectsLabelValuesThatAreNotUtf8() {
    byte[] body = "foo{a=\"_\"} 1\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    body[7] = (byte) 0xe9;
    ExpositionParseException e = catchThrowableOfType(ExpositionParseException.class,
        () -> RecordingHandler.parse(parser, body));
    assertThat(e.getMessage()).isEqualTo("1:7: label value is not valid UTF-8");
  }

  @Test
  void parsesARangeOfALargerBufferAndCanBeReused() throws Exception {
    byte[] body = "xxxxa{b=\"c\"} 1\nyyyy".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    RecordingHandler h = new RecordingHandler();
    parser.parse(body, 4, body.length - 8, h);
    assertThat(h.samples).singleElement().satisfies(s -> assertThat(s.labels()).containsExactly(entry("b", "c")));
    // Types declared by an earlier body do not leak into the next one.
    parse("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n");
    assertThat(parse("h_bucket{le=\"+Inf\"} 1\n").samples.get(0).family()).isEqualTo("h_bucket");
  }

  @Test
  void formatFollowsTheContentType() {
    assertThat(ExpositionFormat.fromContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"))
        .isEqualTo(ExpositionFormat.OPENMETRICS);
    assertThat(ExpositionFormat.fromContentType("  Application/OpenMetrics-Text;version=0.0.1"))
        .isEqualTo(ExpositionFormat.OPENMETRICS);
    assertThat(ExpositionFormat.fromContentType("text/plain; version=0.0.4; charset=utf-8"))
        .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    assertThat(ExpositionFormat.fromContentType(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    assertThat(ExpositionFormat.fromContentType("")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    assertThat(ExpositionFormat.fromContentType(ExpositionFormat.OPENMETRICS.contentType()))
        .isEqualTo(ExpositionFormat.OPENMETRICS);
    assertThat(ExpositionParser.of(ExpositionFormat.PROMETHEUS_TEXT)).isInstanceOf(PrometheusTextParser.class);
    assertThat(ExpositionParser.of(ExpositionFormat.OPENMETRICS)).isInstanceOf(OpenMetricsParser.class);
  }
}
