package dev.loupe.ingest.prometheus.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenMetrics parser conformance cases (fixtures/openmetrics: the input and whether it must
 * parse), then cases of our own for the rules whose numbered upstream cases are not in the fixture
 * set, each reconstructed from the specification.
 */
class OpenMetricsConformanceTest {
  private static final String EOF = "# EOF\n";

  static Stream<Arguments> fixtureCases() throws IOException, URISyntaxException {
    Path root = Path.of(OpenMetricsConformanceTest.class.getResource("/fixtures/openmetrics").toURI());
    ObjectMapper json = new ObjectMapper();
    List<Arguments> cases = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        boolean shouldParse = json.readTree(dir.resolve("test.json").toFile()).get("shouldParse").asBoolean();
        cases.add(Arguments.of(dir.getFileName().toString(), Files.readAllBytes(dir.resolve("metrics")), shouldParse));
      }
    }
    return cases.stream();
  }

  @Test
  void everyFixtureCaseIsThere() throws Exception {
    assertThat(fixtureCases().count()).isEqualTo(106);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtureCases")
  void fixture(String name, byte[] metrics, boolean shouldParse) {
    check(name, metrics, shouldParse);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ownCases")
  void own(String name, String metrics, boolean shouldParse) {
    check(name, metrics.getBytes(java.nio.charset.StandardCharsets.UTF_8), shouldParse);
  }

  static void check(String name, byte[] metrics, boolean shouldParse) {
    ExpositionParser parser = new OpenMetricsParser();
    if (shouldParse) {
      assertThatCode(() -> parser.parse(metrics, 0, metrics.length, new RecordingHandler()))
          .as(name).doesNotThrowAnyException();
    } else {
      ExpositionParseException e = catchThrowableOfType(ExpositionParseException.class,
          () -> parser.parse(metrics, 0, metrics.length, new RecordingHandler()));
      assertThat(e).as(name + " must be rejected").isNotNull();
      assertThat(e.line()).as(name).isGreaterThanOrEqualTo(1);
      assertThat(e.column()).as(name).isGreaterThanOrEqualTo(1);
      assertThat(e.getMessage()).as(name).isEqualTo(e.line() + ":" + e.column() + ": " + e.reason());
    }
  }

  private static Arguments good(String name, String metrics) {
    return Arguments.of(name, metrics, true);
  }

  private static Arguments bad(String name, String metrics) {
    return Arguments.of(name, metrics, false);
  }

  static Stream<Arguments> ownCases() {
    String c128 = "a".repeat(1) + "2345678901".repeat(12) + "2345678";
    return Stream.of(
        // Parsing: shapes the specification allows.
        good("simple_counter", "# TYPE a counter\n# HELP a help\na_total 1\n" + EOF),
        good("counter_with_created", "# TYPE a counter\na_total 1\na_created 1.7e9\n" + EOF),
        good("float_gauge", "# TYPE a gauge\n# HELP a help\na 1.2\n" + EOF),
        good("leading_zeros_float_gauge", "# TYPE a gauge\na 0000000000000000000000000000000000000000001.2e-1\n" + EOF),
        good("number_forms", "a{x=\"1\"} .5\na{x=\"2\"} 5.\na{x=\"3\"} +1E+3\na{x=\"4\"} -0\na{x=\"5\"} 1e-400\n" + EOF),
        good("infinities_and_nan_any_case", "a{x=\"1\"} inf\na{x=\"2\"} -Infinity\na{x=\"3\"} nan\na{x=\"4\"} +INF\n" + EOF),
        good("labels_and_infinite", "# TYPE a gauge\n# HELP a help\na{foo=\"bar\"} +Inf\na{foo=\"baz\"} -Inf\n" + EOF),
        good("unit_gauge", "# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# HELP a_seconds help\na_seconds 1\n" + EOF),
        good("counter_unit", "# TYPE a_seconds counter\n# UNIT a_seconds seconds\n# HELP a_seconds help\na_seconds_total 1\n" + EOF),
        good("empty_metadata", "# HELP a \n# UNIT a \n" + EOF),
        good("empty_help", "# HELP a \n" + EOF),
        good("type_help_switched", "# HELP a help\n# TYPE a counter\na_total 1\n" + EOF),
        good("no_metadata", "a 1\n" + EOF),
        good("only_eof", EOF),
        good("metric_name_with_colons", ":a:b_c 1\n" + EOF),
        good("summary_quantiles", "# TYPE a summary\n# HELP a help\na_count 1\na_sum 2\na{quantile=\"0.5\"} 0.7\na{quantile=\"1\"} 0.8\n" + EOF),
        good("summary_with_created", "# TYPE a summary\na{quantile=\"0\"} NaN\na_sum 0\na_count 0\na_created 1\n" + EOF),
        good("simple_gaugehistogram", "# TYPE a gaugehistogram\n# HELP a help\na_bucket{le=\"1.0\"} 0 123\na_bucket{le=\"+Inf\"} 3 123\na_gcount 3 123\na_gsum 2 123\n" + EOF),
        good("negative_bucket_gaugehistogram", "# TYPE a gaugehistogram\na_bucket{le=\"-1.0\"} 1\na_bucket{le=\"1.0\"} 1\na_bucket{le=\"+Inf\"} 3\na_gcount 3\na_gsum -5\n" + EOF),
        good("histogram_with_created", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\na_count 0\na_sum 0\na_created 1\n" + EOF),
        good("histogram_two_series", "# TYPE a histogram\na_bucket{x=\"1\",le=\"+Inf\"} 1\na_count{x=\"1\"} 1\na_sum{x=\"1\"} 1\na_bucket{x=\"2\",le=\"+Inf\"} 2\na_count{x=\"2\"} 2\na_sum{x=\"2\"} 1\n" + EOF),
        good("histogram_exemplars", "# TYPE a histogram\n# HELP a help\na_bucket{le=\"1.0\"} 0 # {a=\"b\"} 0.5\na_bucket{le=\"2.0\"} 2 # {a=\"c\"} 0.5\na_bucket{le=\"+Inf\"} 3 # {" + c128.charAt(0) + "=\"" + c128.substring(1) + "\"} 4 123\n" + EOF),
        good("counter_exemplars", "# TYPE a counter\n# HELP a help\na_total 0 123 # {a=\"b\"} 0.5\n" + EOF),
        good("exemplar_with_timestamp", "# TYPE a counter\na_total 1 # {trace_id=\"abc\"} 1 1.5\n" + EOF),
        good("exemplars_wide_chars", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1 # {a=\"\u2603" + c128.substring(2) + "\"} 1 1\n" + EOF),
        good("simple_stateset", "# TYPE a stateset\n# HELP a help\na{a=\"bar\"} 0\na{a=\"foo\"} 1.0\n" + EOF),
        good("simple_info", "# TYPE a info\n# HELP a help\na_info{foo=\"bar\"} 1\n" + EOF),
        good("info_timestamps", "# TYPE a info\n# HELP a help\na_info{a=\"1\",foo=\"bar\"} 1 1\na_info{a=\"2\",foo=\"bar\"} 1 0\n" + EOF),
        good("equal_timestamps", "# TYPE a gauge\na 1 5\na 2 5\na 3 5.5\n" + EOF),
        good("label_order_does_not_matter", "a{x=\"1\",y=\"2\"} 1\na{y=\"3\",x=\"1\"} 1\n" + EOF),
        good("hash_and_braces_in_label_values", "a{a=\"# {b=\\\"c\\\"} 1\"} 1\n" + EOF),
        good("utf8_label_values_and_help", "# HELP a caf\u00e9 \u2603\na{x=\"\u00fcber\"} 1\n" + EOF),
        good("null_byte_in_label_value", "a{a=\"\u0000\"} 1\n" + EOF),
        good("unknown_type", "# TYPE a unknown\na 1\n" + EOF),
        good("family_named_like_a_suffix", "# TYPE a_total gauge\na_total 1\n" + EOF),
        good("separate_families", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n" + EOF),
        good("no_newline_after_eof", "a 1\n# EOF"),

        // bad_no_eof / bad_text_after_eof / blank lines / line endings
        bad("bad_no_eof_after_samples", "a 1\n"),
        bad("bad_text_after_eof_0", "a 1\n# EOF\nblah"),
        bad("bad_blank_line_after_eof", "a 1\n# EOF\n\n"),
        bad("bad_eof_twice", "# EOF\n# EOF\n"),
        bad("bad_eof_with_trailing_space", "a 1\n# EOF \n"),
        bad("bad_missing_final_newline", "a 1"),
        bad("bad_crlf", "a 1\r\n" + EOF),
        bad("bad_leading_space", " a 1\n" + EOF),
        bad("bad_blank_line_first", "\na 1\n" + EOF),
        // bad_missing_or_wrong_quotes_on_label_value_*
        bad("bad_missing_or_wrong_quotes_on_label_value_0", "a{a=1} 1\n" + EOF),
        bad("bad_missing_or_wrong_quotes_on_label_value_2", "a{a='1'} 1\n" + EOF),
        bad("bad_label_value_escaped_closing_quote", "a{a=\"\\\"} 1\n" + EOF),
        // bad_missing_equal_or_label_value_*
        bad("bad_missing_equal_or_label_value_0", "a{a} 1\n" + EOF),
        bad("bad_missing_equal_or_label_value_2", "a{a\"\"} 1\n" + EOF),
        bad("bad_missing_equal_or_label_value_4", "a{a=\"} 1\n" + EOF),
        // bad_missing_or_extra_commas_*
        bad("bad_missing_or_extra_commas_1", "a{a=\"1\",,b=\"2\"} 1\n" + EOF),
        bad("bad_leading_comma", "a{,a=\"1\"} 1\n" + EOF),
        // bad_invalid_labels_*
        bad("bad_invalid_labels_0", "a{1=\"1\"} 1\n" + EOF),
        bad("bad_invalid_labels_2", "a{1=\" # \"} 1\n" + EOF),
        bad("bad_invalid_labels_4", "a{a=\" # \"}1\n" + EOF),
        bad("bad_invalid_labels_6", "a{a=\" # \"b=\"1\"}1\n" + EOF),
        bad("bad_invalid_labels_8", "a{a=\" # \"b=}1\n" + EOF),
        bad("bad_invalid_labels_colon_in_label_name", "a{a:b=\"1\"} 1\n" + EOF),
        bad("bad_invalid_labels_duplicate", "a{a=\"1\",a=\"2\"} 1\n" + EOF),
        bad("bad_space_after_comma", "a{a=\"1\", b=\"2\"} 1\n" + EOF),
        bad("bad_space_before_label_set", "a {a=\"1\"} 1\n" + EOF),
        bad("bad_space_around_equals", "a{a = \"1\"} 1\n" + EOF),
        // bad_missing_value_*
        bad("bad_missing_value_1", "a \n" + EOF),
        bad("bad_missing_value_after_labels", "a{a=\"1\"}\n" + EOF),
        // bad_help_*
        bad("bad_help_0", "# HELP\n" + EOF),
        bad("bad_help_2", "# HELP a\n" + EOF),
        bad("bad_help_4", " # HELP a meh\n" + EOF),
        bad("bad_help_invalid_name", "# HELP 0a meh\n" + EOF),
        // bad_type_*
        bad("bad_type_1", "# TYPE \n" + EOF),
        bad("bad_type_3", "# TYPE a\t\n" + EOF),
        bad("bad_type_5", "# TYPE a meh \n" + EOF),
        bad("bad_type_7", "# TYPE a untyped\n" + EOF),
        bad("bad_type_uppercase", "# TYPE a Gauge\n" + EOF),
        bad("bad_type_empty", "# TYPE a \n" + EOF),
        // bad_unit_*
        bad("bad_unit_1", "# UNIT \n" + EOF),
        bad("bad_unit_3", "# UNIT a\t\n" + EOF),
        bad("bad_unit_5", "# UNIT a_seconds seconds \n" + EOF),
        bad("bad_unit_7", "# TYPE x_u stateset\n# UNIT x_u u\n" + EOF),
        bad("bad_unit_before_info_type", "# UNIT x_u u\n# TYPE x_u info\n" + EOF),
        bad("bad_unit_not_whole_suffix", "# UNIT a_seconds conds\n" + EOF),
        // bad_metadata* and comments
        bad("bad_comment", "# just a comment\n" + EOF),
        bad("bad_lone_hash", "#\n" + EOF),
        bad("bad_two_spaces_after_hash", "#  TYPE a gauge\n" + EOF),
        bad("bad_metadata_lowercase_keyword", "# type a gauge\n" + EOF),
        // bad_metadata_in_wrong_place_*
        bad("bad_metadata_in_wrong_place_0", "# HELP a x\na 1\n# TYPE a gauge\n" + EOF),
        bad("bad_metadata_in_wrong_place_2", "# TYPE a_s gauge\na_s 1\n# UNIT a_s s\n" + EOF),
        // bad_repeated_metadata_*
        bad("bad_repeated_metadata_0", "# HELP a \n# HELP a \n" + EOF),
        bad("bad_repeated_metadata_2", "# TYPE a gauge\n# TYPE a gauge\n" + EOF),
        bad("bad_repeated_metadata_later", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# HELP a again\n" + EOF),
        // bad_metric_names_*
        bad("bad_metric_names_1", "a.b 1\n" + EOF),
        bad("bad_metric_names_non_ascii", "\u00e9 1\n" + EOF),
        // bad_value_*
        bad("bad_value_1", "a  1\n" + EOF),
        bad("bad_value_2", "a 1\t\n" + EOF),
        bad("bad_value_4", "a 1_2\n" + EOF),
        bad("bad_value_6", "a 0x1P-3\n" + EOF),
        bad("bad_value_8", "a 0B1\n" + EOF),
        bad("bad_value_11", "a 0o1\n" + EOF),
        bad("bad_value_13", "a 1.1.1\n" + EOF),
        bad("bad_value_signed_nan", "a -NaN\n" + EOF),
        bad("bad_value_java_suffix", "a 1d\n" + EOF),
        bad("bad_value_exponent_without_digits", "a 1e\n" + EOF),
        bad("bad_value_lone_dot", "a .\n" + EOF),
        bad("bad_value_double_sign", "a +-1\n" + EOF),
        bad("bad_value_infinityy", "a Infinityy\n" + EOF),
        // bad_timestamp_*
        bad("bad_timestamp_0", "a 1 z\n" + EOF),
        bad("bad_timestamp_2", "a 1 1_2\n" + EOF),
        bad("bad_timestamp_4", "a 1 NaN\n" + EOF),
        bad("bad_timestamp_6", "a 1 +Inf\n" + EOF),
        bad("bad_timestamp_hex", "a 1 0x1p-3\n" + EOF),
        bad("bad_timestamp_trailing_space", "a 1 1 \n" + EOF),
        // bad_exemplars_*
        bad("bad_exemplars_1", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1# {} 1\n" + EOF),
        bad("bad_exemplars_2", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1 #{} 1\n" + EOF),
        bad("bad_exemplars_4", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1 # {} 1 \n" + EOF),
        bad("bad_exemplars_6", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1 # {a=\"" + c128.substring(1) + "9\"} 1 1\n" + EOF),
        bad("bad_exemplars_8", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1 # {} 1 0x1p-3\n" + EOF),
        bad("bad_exemplars_11", "# TYPE a counter\na_total 1 1 #id=\" # \"} 1\n" + EOF),
        bad("bad_exemplars_size_0", "# TYPE a counter\n# HELP a help\na_total{foo=\"bar\"} 1 # {a=\"" + "a".repeat(128) + "\"} 1\n" + EOF),
        bad("bad_exemplars_missing_value", "# TYPE a counter\na_total 1 # {a=\"b\"}\n" + EOF),
        bad("bad_exemplars_duplicate_label", "# TYPE a counter\na_total 1 # {a=\"b\",a=\"c\"} 1\n" + EOF),
        bad("bad_exemplars_unterminated", "# TYPE a counter\na_total 1 # {a=\"b} 1\n" + EOF),
        bad("bad_exemplar_timestamp_0", "# TYPE a counter\na_total 1 # {a=\"b\"} 0.5 NaN\n" + EOF),
        bad("bad_exemplar_timestamp_2", "# TYPE a counter\na_total 1 # {a=\"b\"} 0.5 -Inf\n" + EOF),
        // bad_exemplars_on_unallowed_samples_* / metric_types_*
        bad("bad_exemplars_on_unallowed_samples_1", "# TYPE a gaugehistogram\na_gsum 1 # {a=\"b\"} 0.5\n" + EOF),
        bad("bad_exemplars_on_unallowed_samples_3", "# TYPE a counter\na_created 1 # {a=\"b\"} 0.5\n" + EOF),
        bad("bad_exemplars_on_histogram_count", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1\na_count 1 # {a=\"b\"} 0.5\na_sum 1\n" + EOF),
        bad("bad_exemplars_on_unallowed_metric_types_0", "# TYPE a gauge\na 1 # {a=\"b\"} 1\n" + EOF),
        bad("bad_exemplars_on_unallowed_metric_types_2", "# TYPE a stateset\na{a=\"b\"} 1 # {c=\"d\"} 1\n" + EOF),
        bad("bad_exemplars_on_unknown", "a 1 # {a=\"b\"} 1\n" + EOF),
        bad("bad_exemplars_on_summary", "# TYPE a summary\na_count 1 # {a=\"b\"} 1\na_sum 1\n" + EOF),
        // bad_stateset_info_values_* / bad_info_and_stateset_values_*
        bad("bad_stateset_info_values_0", "# TYPE a stateset\na 2\n" + EOF),
        bad("bad_stateset_info_values_2", "# TYPE a stateset\na{a=\"x\"} 2.0\n" + EOF),
        bad("bad_info_and_stateset_values_0", "# TYPE a info\na_info{foo=\"bar\"} 2\n" + EOF),
        bad("bad_info_value_zero", "# TYPE a info\na_info 0\n" + EOF),
        bad("bad_stateset_value_nan", "# TYPE a stateset\na{a=\"x\"} NaN\n" + EOF),
        bad("bad_unit_on_stateset_after_type", "# TYPE a_u stateset\n# UNIT a_u u\n" + EOF),
        // bad_missing_or_invalid_labels_for_a_type_*
        bad("bad_missing_or_invalid_labels_for_a_type_0", "# TYPE a summary\na 0\n" + EOF),
        bad("bad_missing_or_invalid_labels_for_a_type_2", "# TYPE a summary\na{quantile=\"foo\"} 0\n" + EOF),
        bad("bad_missing_or_invalid_labels_for_a_type_4", "# TYPE a summary\na{quantile=\"NaN\"} 0\n" + EOF),
        bad("bad_missing_or_invalid_labels_for_a_type_6", "# TYPE a gaugehistogram\na_bucket 0\n" + EOF),
        bad("bad_le_lowercase_inf", "# TYPE a histogram\na_bucket{le=\"inf\"} 0\n" + EOF),
        bad("bad_le_nan", "# TYPE a histogram\na_bucket{le=\"NaN\"} 0\n" + EOF),
        bad("bad_le_not_a_number", "# TYPE a histogram\na_bucket{le=\"x\"} 0\n" + EOF),
        // bad_counter_values_*
        bad("bad_counter_values_1", "# TYPE a counter\na_total -1\n" + EOF),
        bad("bad_counter_values_3", "# TYPE a histogram\na_count NaN\n" + EOF),
        bad("bad_counter_values_5", "# TYPE a histogram\na_bucket{le=\"+Inf\"} -1\n" + EOF),
        bad("bad_counter_values_9", "# TYPE a histogram\na_bucket{le=\"-1.0\"} 1\na_bucket{le=\"+Inf\"} 2\na_sum 1\na_count 2\n" + EOF),
        bad("bad_counter_values_11", "# TYPE a gaugehistogram\na_bucket{le=\"+Inf\"} -1\na_gcount -1\n" + EOF),
        bad("bad_counter_values_13", "# TYPE a gaugehistogram\na_bucket{le=\"+Inf\"} 1\na_gsum -1\n" + EOF),
        bad("bad_counter_values_15", "# TYPE a summary\na_sum NaN\n" + EOF),
        bad("bad_counter_values_17", "# TYPE a summary\na_sum -1\n" + EOF),
        bad("bad_counter_values_19", "# TYPE a summary\na{quantile=\"0.5\"} -1\n" + EOF),
        bad("bad_counter_values_negative_infinity", "# TYPE a counter\na_total -Inf\n" + EOF),
        bad("bad_counter_values_fractional_bucket", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1.5\n" + EOF),
        bad("bad_counter_values_fractional_count", "# TYPE a summary\na_count 1.5\na_sum 1\n" + EOF),
        bad("bad_counter_values_gcount_nan", "# TYPE a gaugehistogram\na_bucket{le=\"+Inf\"} 1\na_gsum 1\na_gcount NaN\n" + EOF),
        // bad_histograms_*
        bad("bad_histograms_1", "# TYPE a gaugehistogram\na_gsum 1\n" + EOF),
        bad("bad_histograms_2", "# TYPE a histogram\na_count 1\na_bucket{le=\"+Inf\"} 0\n" + EOF),
        bad("bad_histograms_4", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\n#a_sum 0\n" + EOF),
        bad("bad_histograms_6", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\na_count 0\n" + EOF),
        bad("bad_histograms_8", "# TYPE a gaugehistogram\na_bucket{le=\"+Inf\"} 0\na_gsum 0\n" + EOF),
        bad("bad_histograms_11", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\na_count 1\n" + EOF),
        bad("bad_histograms_13", "# TYPE a histogram\na_count 1\na_bucket{le=\"+Inf\"} 0\n" + EOF),
        bad("bad_histograms_15", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\na_sum 0\n" + EOF),
        bad("bad_histograms_no_inf_bucket", "# TYPE a histogram\na_bucket{le=\"1\"} 0\n" + EOF),
        bad("bad_histograms_repeated_bucket", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\na_bucket{le=\"+Inf\"} 0\n" + EOF),
        bad("bad_histograms_gcount_mismatch", "# TYPE a gaugehistogram\na_bucket{le=\"+Inf\"} 1\na_gsum 1\na_gcount 2\n" + EOF),
        bad("bad_histograms_second_series_broken", "# TYPE a histogram\na_bucket{x=\"1\",le=\"+Inf\"} 1\na_bucket{x=\"2\",le=\"1\"} 1\n" + EOF),
        // bad_grouping_or_ordering_*
        bad("bad_grouping_or_ordering_1", "# TYPE a histogram\na_sum{a=\"1\"} 0\na_sum{a=\"2\"} 0\na_count{a=\"1\"} 0\n" + EOF),
        bad("bad_grouping_or_ordering_2", "# TYPE a histogram\na_bucket{a=\"1\",le=\"1\"} 0\na_bucket{a=\"2\",le=\"+Inf\"} 0\na_bucket{a=\"1\",le=\"+Inf\"} 0\n" + EOF),
        bad("bad_grouping_or_ordering_4", "# TYPE a gaugehistogram\na_gsum{a=\"1\"} 0\na_gsum{a=\"2\"} 0\na_gcount{a=\"1\"} 0\n" + EOF),
        bad("bad_grouping_or_ordering_6", "# TYPE a gauge\na 0 -1\na 0 -2\n" + EOF),
        bad("bad_grouping_or_ordering_8", "# TYPE a gauge\na 0 1\na 0 -1\n" + EOF),
        bad("bad_grouping_or_ordering_gauge_series", "a{a=\"1\"} 1\na{a=\"2\"} 1\na{a=\"1\"} 1\n" + EOF),
        bad("bad_grouping_or_ordering_counter_created", "# TYPE a counter\na_total{x=\"1\"} 1\na_total{x=\"2\"} 1\na_created{x=\"1\"} 1\n" + EOF),
        bad("bad_grouping_or_ordering_interleaved_families", "a 1\nb 1\na 1\n" + EOF),
        bad("bad_grouping_or_ordering_millisecond_backwards", "a 0 1.0002\na 0 1.0001\n" + EOF),
        // bad_clashing_names_*
        bad("bad_clashing_names_0", "# TYPE a counter\n# TYPE a counter\n" + EOF),
        bad("bad_clashing_names_2", "# TYPE a_created gauge\n# TYPE a counter\n" + EOF),
        bad("bad_clashing_names_counter_then_created", "# TYPE a counter\n# TYPE a_created gauge\n" + EOF),
        bad("bad_clashing_names_histogram_bucket", "# TYPE a histogram\n# TYPE a_bucket gauge\n" + EOF),
        bad("bad_clashing_names_info", "# TYPE a info\n# TYPE a_info gauge\n" + EOF),
        bad("bad_clashing_names_untyped_after_counter", "# TYPE a counter\na_total 1\na 1\n" + EOF),
        bad("bad_clashing_names_metadata_only_family_repeated", "# HELP a x\n# HELP b x\n# HELP a y\n" + EOF));
  }

  /** Two cases need bytes that are not UTF-8, which a Java string cannot carry. */
  @Test
  void invalidUtf8IsRejected() {
    byte[] label = "a{a=\"_\"} 1\n# EOF\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    label[5] = (byte) 0xff;
    check("invalid utf-8 label value", label, false);
    byte[] help = "# HELP a _\n# EOF\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    help[9] = (byte) 0xc3;
    check("truncated utf-8 in help", help, false);
    byte[] overlong = "a{a=\"__\"} 1\n# EOF\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    overlong[5] = (byte) 0xc0;
    overlong[6] = (byte) 0xaf;
    check("overlong utf-8", overlong, false);
  }

  @Test
  void errorsPointAtTheFault() {
    assertThat(error("a 1\n# TYPE b gauge\nb{x=\"1\" y=\"2\"} 1\n" + EOF)).isEqualTo("3:8");
    assertThat(error("a 1\n\n" + EOF)).isEqualTo("2:1");
    assertThat(error("a 1\n")).isEqualTo("2:1");
    assertThat(error("a 1\n# EOF\nx")).isEqualTo("3:1");
    assertThat(error("a{b=\"\u00e9\u00e9\"} zz\n" + EOF)).isEqualTo("1:11");
    assertThat(error("# TYPE a histogram\na_bucket{le=\"1\"} 0\n" + EOF)).isEqualTo("2:1");
    assertThat(error("# TYPE a gauge\na 0 1\na 0 0.5\n" + EOF)).isEqualTo("3:5");
    assertThat(error("# TYPE a counter\na_total -1\n" + EOF)).isEqualTo("2:9");
  }

  @Test
  void readsValuesTimestampsMetadataAndExemplars() throws Exception {
    RecordingHandler h = RecordingHandler.parse(new OpenMetricsParser(),
        "# TYPE rpc_seconds histogram\n# UNIT rpc_seconds seconds\n# HELP rpc_seconds RPC \\\"latency\\\"\\n\n"
            + "rpc_seconds_bucket{le=\"0.5\",svc=\"a\\\\b\"} 3 1700000000.123 # {trace_id=\"t1\"} 0.25 1700000000.1\n"
            + "rpc_seconds_bucket{le=\"+Inf\",svc=\"a\\\\b\"} 5 1700000000.123\n"
            + "rpc_seconds_count{svc=\"a\\\\b\"} 5 1700000000.123\n"
            + "rpc_seconds_sum{svc=\"a\\\\b\"} 1.5 1700000000.123\n"
            + "# TYPE up gauge\nup 1 -1.5\n" + EOF);
    assertThat(h.types).containsEntry("rpc_seconds", MetricType.HISTOGRAM).containsEntry("up", MetricType.GAUGE);
    assertThat(h.units).containsEntry("rpc_seconds", "seconds");
    assertThat(h.helps).containsEntry("rpc_seconds", "RPC \"latency\"\n");
    assertThat(h.samples).hasSize(5);
    RecordingHandler.Sample bucket = h.samples.get(0);
    assertThat(bucket.family()).isEqualTo("rpc_seconds");
    assertThat(bucket.name()).isEqualTo("rpc_seconds_bucket");
    assertThat(bucket.labels()).containsExactly(java.util.Map.entry("le", "0.5"), java.util.Map.entry("svc", "a\\b"));
    assertThat(bucket.value()).isEqualTo(3.0);
    assertThat(bucket.timestampMillis()).isEqualTo(1_700_000_000_123L);
    assertThat(h.exemplars).containsExactly(
        new RecordingHandler.Exemplar(java.util.Map.of("trace_id", "t1"), 0.25, 1_700_000_000_100L));
    assertThat(h.first("up").timestampMillis()).isEqualTo(-1500);
    assertThat(h.first("rpc_seconds_sum").type()).isEqualTo(MetricType.HISTOGRAM);
  }

  @Test
  void timestampsBecomeMilliseconds() throws Exception {
    RecordingHandler h = RecordingHandler.parse(new OpenMetricsParser(),
        "# TYPE a counter\n# HELP a help\na_total{foo=\"1\"} 1 000\na_total{foo=\"2\"} 1 0.0\n"
            + "a_total{foo=\"3\"} 1 1.1\na_total{foo=\"4\"} 1 12345678901234567890.1234567890\n"
            + "a_total{foo=\"5\"} 1 1.5e3\na_total{foo=\"6\"} 1 1.0059\na_total{foo=\"7\"} 1 -0.0001\n" + EOF);
    assertThat(h.samples).extracting(RecordingHandler.Sample::timestampMillis)
        .containsExactly(0L, 0L, 1100L, Long.MAX_VALUE, 1_500_000L, 1005L, -1L);
  }

  @Test
  void theSameParserReadsManyBodies() throws Exception {
    OpenMetricsParser parser = new OpenMetricsParser();
    for (int i = 0; i < 3; i++) {
      RecordingHandler h = RecordingHandler.parse(parser, "# TYPE a counter\na_total 1\n" + EOF);
      assertThat(h.samples).hasSize(1);
      assertThat(catchThrowableOfType(ExpositionParseException.class,
          () -> RecordingHandler.parse(parser, "a 1\na 1 0\n" + EOF))).isNotNull();
    }
  }

  private static String error(String body) {
    ExpositionParseException e = catchThrowableOfType(ExpositionParseException.class,
        () -> RecordingHandler.parse(new OpenMetricsParser(), body));
    assertThat(e).as(body).isNotNull();
    return e.line() + ":" + e.column();
  }
}
