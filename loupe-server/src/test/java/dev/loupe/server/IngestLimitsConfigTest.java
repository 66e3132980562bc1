package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The ingest limits a slow sender or a burst of large bodies meets: their defaults and their errors. */
class IngestLimitsConfigTest {
  @Test
  void defaultsBoundBodiesTo128MibAndTheirReadingTo30s() {
    LoupeConfig.Ingest ingest = LoupeConfig.DEFAULTS.ingest();
    assertThat(ingest.maxInFlightBodyBytes()).isEqualTo(128L * 1024 * 1024);
    assertThat(ingest.bodyReadTimeout()).isEqualTo(Duration.ofSeconds(30));
    LoupeConfig big = ConfigLoader.parse("ingest:\n  max_body_bytes: 536870912\n", "loupe.yml");
    assertThat(big.ingest().maxInFlightBodyBytes()).as("room for one body of the largest size")
        .isEqualTo(536870912L);
    LoupeConfig set = ConfigLoader.parse("ingest:\n  max_in_flight_body_bytes: 33554432\n  body_read_timeout: 5s\n",
        "loupe.yml");
    assertThat(set.ingest().maxInFlightBodyBytes()).isEqualTo(33554432L);
    assertThat(set.ingest().bodyReadTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aBudgetBelowOneBodyOrANonPositiveTimeoutNamesTheKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("ingest:\n  max_in_flight_body_bytes: 2048\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_in_flight_body_bytes must be at least max_body_bytes");
    assertThatThrownBy(() -> ConfigLoader.parse("ingest:\n  body_read_timeout: 0s\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("body_read_timeout must be positive");
  }
}
