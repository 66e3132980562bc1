package dev.loupe.dimension.network;

import static dev.loupe.dimension.SustainedThreshold.level;

import dev.loupe.dimension.SustainedThreshold;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.List;

/**
 * Every number the network dimension judges by, in one place, as data. Defaults:
 *
 * <ul>
 *   <li>{@code counterRules}: a link down is critical for 1 h after it happened; link error
 *       recoveries (each one a retrain that stalls the link) warn for 15 m; local link integrity
 *       and excessive buffer overrun errors warn on any increase within 5 m; symbol, receive and
 *       remote physical errors warn above 2 a minute over 5 m (a healthy link sees an odd one);
 *       transmit discards warn above 20 a minute over 5 m. Constraint, switch relay and receive
 *       discard counters are kept but not judged: on a host they mean configuration, not a link.
 *   <li>{@code transmitWaitRatio}: the share of transmit opportunities spent waiting, Δwait /
 *       (Δwait + Δtransmitted bytes / 4), per scrape interval; a warning above 0.10 for 5 m. The
 *       tick of PortXmitWait differs by hardware, so this is a congestion indicator, not a time.
 *   <li>{@code linkStateFor}: a port not ACTIVE (state 4) or not LinkUp (physical state 5) for
 *       this long is critical; default 0 (at once: the scrape interval already smooths it).
 *   <li>{@code judgePortsNeverActive}: whether a port never seen ACTIVE counts. Off by default:
 *       unused ports of dual-port HCAs sit in DOWN/Polling for ever; they get a note instead.
 *   <li>{@code probeSuccess}: {@code probe_success} below 0.5 (a failed probe) for 1 m is
 *       critical.
 *   <li>{@code probeLatencySeconds}: {@code probe_duration_seconds} of successful probes above 5
 *       ms for 5 m is a warning, above 50 ms for 5 m critical. Within one fabric a round trip is
 *       well under a millisecond; 5 ms leaves room for the prober's own overhead.
 *   <li>{@code staleAfter}: a port or probe path silent for longer is reported stale (5 m); with
 *       all of them silent the dimension is no_data. {@code forgetAfter}: dropped after 24 h.
 * </ul>
 */
public record NetworkThresholds(
    List<CounterRateRule> counterRules,
    SustainedThreshold transmitWaitRatio,
    Duration linkStateFor,
    boolean judgePortsNeverActive,
    SustainedThreshold probeSuccess,
    SustainedThreshold probeLatencySeconds,
    Duration staleAfter,
    Duration forgetAfter) {

  public static final List<CounterRateRule> DEFAULT_COUNTER_RULES =
      List.of(
          new CounterRateRule(InfinibandCounter.LINK_DOWNED, Severity.CRITICAL, 0, Duration.ofHours(1)),
          new CounterRateRule(InfinibandCounter.LINK_ERROR_RECOVERY, Severity.WARNING, 0, Duration.ofMinutes(15)),
          new CounterRateRule(InfinibandCounter.LOCAL_LINK_INTEGRITY_ERRORS, Severity.WARNING, 0, Duration.ofMinutes(5)),
          new CounterRateRule(InfinibandCounter.EXCESSIVE_BUFFER_OVERRUN_ERRORS, Severity.WARNING, 0, Duration.ofMinutes(5)),
          new CounterRateRule(InfinibandCounter.SYMBOL_ERRORS, Severity.WARNING, 2, Duration.ofMinutes(5)),
          new CounterRateRule(InfinibandCounter.RECEIVE_ERRORS, Severity.WARNING, 2, Duration.ofMinutes(5)),
          new CounterRateRule(InfinibandCounter.RECEIVE_REMOTE_PHYSICAL_ERRORS, Severity.WARNING, 2, Duration.ofMinutes(5)),
          new CounterRateRule(InfinibandCounter.TRANSMIT_DISCARDS, Severity.WARNING, 20, Duration.ofMinutes(5)));

  public static final NetworkThresholds DEFAULTS =
      new NetworkThresholds(
          DEFAULT_COUNTER_RULES,
          SustainedThreshold.above(level(0.10, Duration.ofMinutes(5)), null, 0.02),
          Duration.ZERO,
          false,
          SustainedThreshold.below(null, level(0.5, Duration.ofMinutes(1)), 0),
          SustainedThreshold.above(level(0.005, Duration.ofMinutes(5)), level(0.050, Duration.ofMinutes(5)), 0.001),
          Duration.ofMinutes(5),
          Duration.ofHours(24));

  public NetworkThresholds {
    counterRules = List.copyOf(counterRules);
    if (transmitWaitRatio == null || probeSuccess == null || probeLatencySeconds == null) {
      throw new IllegalArgumentException("thresholds are required (use SustainedThreshold.disabled())");
    }
    if (linkStateFor == null || linkStateFor.isNegative()) {
      throw new IllegalArgumentException("link-state-for must be zero or more");
    }
    if (staleAfter == null || staleAfter.isZero() || staleAfter.isNegative()) {
      throw new IllegalArgumentException("stale-after must be positive");
    }
    if (forgetAfter == null || forgetAfter.compareTo(staleAfter) < 0) {
      throw new IllegalArgumentException("forget-after must not be shorter than stale-after");
    }
  }
}
