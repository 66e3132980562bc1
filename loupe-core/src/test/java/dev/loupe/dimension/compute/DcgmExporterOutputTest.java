package dev.loupe.dimension.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Sample;
import dev.loupe.testing.ExpositionLines;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines of a real dcgm-exporter scrape of an NVIDIA L4 (shared fixture dcgm-exporter-nvidia-l4.prom). */
class DcgmExporterOutputTest {
  static final String L4 = """
      # HELP DCGM_FI_DEV_SM_CLOCK SM clock frequency (in MHz).
      # TYPE DCGM_FI_DEV_SM_CLOCK gauge
      DCGM_FI_DEV_SM_CLOCK{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 210
      DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 31
      DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 16.365000
      DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 4742776
      DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 0
      DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 22563
      DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 0
      DCGM_FI_DEV_FB_RESERVED{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 470
      DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 0.000000
      DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 0.000000
      DCGM_FI_PROF_DRAM_ACTIVE{gpu="0",UUID="GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",pci_bus_id="00000000:31:00.0",device="nvidia0",modelName="NVIDIA L4",Hostname="i-030791dc5a37cd257",DCGM_FI_DRIVER_VERSION="580.105.08"} 0.000000
      """;

  @Test
  void anIdleL4ScrapeIsOneHealthyGpuWithItsSignalsAndTheEccNote() {
    long t = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();
    ComputeDimensionJudge judge = new ComputeDimensionJudge(GpuFreshness.DEFAULTS, WorkloadClassifier.defaults(), t);
    List<Sample> scrape = ExpositionLines.parse(L4, t);
    judge.observe(scrape);

    DimensionHealth h = judge.judge(t);
    assertThat(h.status()).isEqualTo(HealthStatus.OK);
    assertThat(h.reasons()).containsExactly(
        "ECC errors not exported by dcgm-exporter on node i-030791dc5a37cd257: use the counters file "
            + "deploy/dcgm-exporter/counters.csv");

    GpuState gpu = judge.gpus(t).get(0);
    assertThat(gpu.key()).isEqualTo(new GpuKey("i-030791dc5a37cd257", "0", "GPU-c2f76b33-7953-256e-8f33-1343419b1a1c",
        "NVIDIA L4", null, null, null, null));
    assertThat(gpu.workloadClass()).isEqualTo(WorkloadClass.INFERENCE);
    GpuSignals s = gpu.signals();
    assertThat(s.temperatureCelsius()).isEqualTo(31.0);
    assertThat(s.powerWatts()).isEqualTo(16.365);
    assertThat(s.smClockMhz()).isEqualTo(210.0);
    assertThat(s.utilizationPercent()).isEqualTo(0.0);
    assertThat(s.framebufferUsedPercent()).isEqualTo(0.0);
    assertThat(s.framebufferReservedMib()).isEqualTo(470.0);
    assertThat(s.eccDoubleBitTotal()).isNull();
    assertThat(s.lastXid()).isNull();
    assertThat(s.profiling()).containsOnlyKeys(
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "DCGM_FI_PROF_DRAM_ACTIVE");
  }
}
