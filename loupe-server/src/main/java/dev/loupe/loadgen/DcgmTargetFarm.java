package dev.loupe.loadgen;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Many dcgm-exporter look-alikes on loopback, one port each: every target is a node with
 * {@code gpusPerNode} GPUs answering the field set dcgm-exporter's default counters produce
 * (23 families per GPU), values moving a little on every scrape. For scrape benchmarks against
 * a real Prometheus scraping the same targets.
 */
public final class DcgmTargetFarm implements AutoCloseable {
  private static final String[][] FIELDS = {
    {"DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz)."},
    {"DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz)."},
    {"DCGM_FI_DEV_MEMORY_TEMP", "gauge", "Memory temperature (in C)."},
    {"DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C)."},
    {"DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W)."},
    {"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Total energy consumption since boot (in mJ)."},
    {"DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "counter", "Total number of PCIe retries."},
    {"DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %)."},
    {"DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %)."},
    {"DCGM_FI_DEV_ENC_UTIL", "gauge", "Encoder utilization (in %)."},
    {"DCGM_FI_DEV_DEC_UTIL", "gauge", "Decoder utilization (in %)."},
    {"DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB)."},
    {"DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB)."},
    {"DCGM_FI_DEV_FB_RESERVED", "gauge", "Framebuffer memory reserved (in MiB)."},
    {"DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "counter", "Number of remapped rows for uncorrectable errors"},
    {"DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", "counter", "Number of remapped rows for correctable errors"},
    {"DCGM_FI_DEV_ROW_REMAP_FAILURE", "gauge", "Whether remapping of rows has failed"},
    {"DCGM_FI_DEV_VGPU_LICENSE_STATUS", "gauge", "vGPU License status"},
    {"DCGM_FI_PROF_GR_ENGINE_ACTIVE", "gauge", "Ratio of time the graphics engine is active."},
    {"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "gauge", "Ratio of cycles the tensor (HMMA) pipe is active."},
    {"DCGM_FI_PROF_DRAM_ACTIVE", "gauge", "Ratio of cycles the device memory interface is active sending or receiving data."},
    {"DCGM_FI_PROF_PCIE_TX_BYTES", "gauge", "The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second."},
    {"DCGM_FI_PROF_PCIE_RX_BYTES", "gauge", "The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second."},
  };

  private final List<HttpServer> servers = new ArrayList<>();
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> pagesByAgent =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final int gpusPerNode;

  public DcgmTargetFarm(int targets, int gpusPerNode) throws IOException {
    this.gpusPerNode = gpusPerNode;
    for (int i = 0; i < targets; i++) {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      String host = String.format(Locale.ROOT, "gpu-node-%03d", i);
      Random random = new Random(i);
      s.createContext("/metrics", exchange -> {
        String agent = exchange.getRequestHeaders().getFirst("User-Agent");
        String scraper = agent == null ? "unknown" : agent.split("/")[0];
        pagesByAgent.computeIfAbsent(scraper, k -> new java.util.concurrent.atomic.LongAdder()).increment();
        byte[] body;
        synchronized (random) {
          body = page(host, random).getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      s.setExecutor(executor);
      s.start();
      servers.add(s);
    }
  }

  /** The {@code host:port} of every target. */
  public List<String> targets() {
    return servers.stream().map(s -> "127.0.0.1:" + s.getAddress().getPort()).toList();
  }

  /** Pages served so far to scrapers whose User-Agent starts with {@code product} (e.g. Prometheus). */
  public long pagesServedTo(String product) {
    var n = pagesByAgent.get(product);
    return n == null ? 0 : n.sum();
  }

  /** Samples one scrape of one target holds. */
  public int samplesPerTarget() {
    return FIELDS.length * gpusPerNode;
  }

  private String page(String host, Random random) {
    StringBuilder b = new StringBuilder(FIELDS.length * gpusPerNode * 260);
    for (String[] f : FIELDS) {
      b.append("# HELP ").append(f[0]).append(' ').append(f[2]).append('\n');
      b.append("# TYPE ").append(f[0]).append(' ').append(f[1]).append('\n');
      for (int gpu = 0; gpu < gpusPerNode; gpu++) {
        b.append(f[0]).append("{gpu=\"").append(gpu).append("\",UUID=\"GPU-")
            .append(String.format(Locale.ROOT, "%08x-7953-256e-8f33-%012x", host.hashCode(), gpu))
            .append("\",pci_bus_id=\"00000000:").append(String.format(Locale.ROOT, "%02X", 0x31 + gpu))
            .append(":00.0\",device=\"nvidia").append(gpu).append("\",modelName=\"NVIDIA H100 80GB HBM3\",Hostname=\"")
            .append(host).append("\",DCGM_FI_DRIVER_VERSION=\"580.105.08\"} ");
        if (f[1].equals("counter")) b.append(1000 + random.nextInt(1000));
        else b.append(String.format(Locale.ROOT, "%.6f", random.nextDouble() * 100));
        b.append('\n');
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    for (HttpServer s : servers) s.stop(0);
    executor.shutdownNow();
  }
}
