package dev.loupe.dimension.cost;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prices of models, GPUs and provisioned deployments, and which entry prices a name at a time.
 *
 * <p>The most specific entry that has started wins: an exact name (the longer name first, so
 * {@code azure/gpt-4o} beats {@code gpt-4o}) beats a family match (a {@code match} regex, or a
 * dated/versioned form of an entry's name); among family matches the entry whose name shares the
 * longer prefix with the model name wins ({@code gpt-4o-mini} over {@code gpt-4o} for
 * {@code gpt-4o-mini-2024-07-18}), then the one of the inference's provider. Within equal
 * specificity an entry of an earlier source ({@link #then}: the config before its files before the
 * shipped defaults) wins if it has started by the inference's time, whatever the later sources'
 * dates; within one source the newest {@code start_date} not after the inference wins, then the
 * entry listed first. See RATIONALE.md.
 *
 * <pre>{@code
 * PriceCatalog catalog = new PriceCatalog(List.of(ModelPrice.of("gpt-4o", 2.50, 10.00)), List.of(), List.of());
 * catalog.modelPrice(null, "openai/gpt-4o-2024-08-06", now).orElseThrow().cost(TokenUsage.of(1000, 200));
 * }</pre>
 */
public final class PriceCatalog {
  public static final PriceCatalog EMPTY = new PriceCatalog(List.of(), List.of(), List.of());

  /** Date and version suffixes that name a release of a model family (stripped one at a time). */
  private static final Pattern RELEASE_SUFFIX = Pattern.compile(
      "(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|@[a-z0-9-]+|-\\d{3,4}|-v\\d+(:\\d+)?|-latest)$");

  private final List<ModelPrice> models;
  private final List<HourlyPrice> gpus;
  private final List<HourlyPrice> provisioned;
  private final CompiledModel[] compiledModels;
  private final CompiledHourly[] compiledGpus;
  private final CompiledHourly[] compiledProvisioned;
  private final int layers;

  /** One source's entries (a file, the config's inline entries, the shipped defaults). */
  public PriceCatalog(List<ModelPrice> models, List<HourlyPrice> gpus, List<HourlyPrice> provisioned) {
    this(List.copyOf(models), List.copyOf(gpus), List.copyOf(provisioned),
        models.stream().map(m -> new CompiledModel(m, 0)).toArray(CompiledModel[]::new),
        gpus.stream().map(g -> new CompiledHourly(g, 0)).toArray(CompiledHourly[]::new),
        provisioned.stream().map(p -> new CompiledHourly(p, 0)).toArray(CompiledHourly[]::new), 1);
  }

  private PriceCatalog(List<ModelPrice> models, List<HourlyPrice> gpus, List<HourlyPrice> provisioned,
      CompiledModel[] compiledModels, CompiledHourly[] compiledGpus, CompiledHourly[] compiledProvisioned, int layers) {
    this.models = models;
    this.gpus = gpus;
    this.provisioned = provisioned;
    this.compiledModels = compiledModels;
    this.compiledGpus = compiledGpus;
    this.compiledProvisioned = compiledProvisioned;
    this.layers = layers;
  }

  /**
   * This catalog's sources, then {@code later}'s: at equal specificity an entry of this catalog
   * that has started wins over {@code later}'s, whatever their start dates (an override of the
   * defaults without a date still overrides their dated entries).
   */
  public PriceCatalog then(PriceCatalog later) {
    List<ModelPrice> m = new ArrayList<>(models);
    m.addAll(later.models);
    List<HourlyPrice> g = new ArrayList<>(gpus);
    g.addAll(later.gpus);
    List<HourlyPrice> p = new ArrayList<>(provisioned);
    p.addAll(later.provisioned);
    List<CompiledModel> cm = new ArrayList<>(List.of(compiledModels));
    for (CompiledModel c : later.compiledModels) cm.add(new CompiledModel(c.price, c.layer + layers));
    return new PriceCatalog(List.copyOf(m), List.copyOf(g), List.copyOf(p), cm.toArray(CompiledModel[]::new),
        concat(compiledGpus, later.compiledGpus, layers), concat(compiledProvisioned, later.compiledProvisioned, layers),
        layers + later.layers);
  }

  private static CompiledHourly[] concat(CompiledHourly[] first, CompiledHourly[] later, int offset) {
    List<CompiledHourly> out = new ArrayList<>(List.of(first));
    for (CompiledHourly c : later) out.add(new CompiledHourly(c.price, c.layer + offset));
    return out.toArray(CompiledHourly[]::new);
  }

  public List<ModelPrice> models() {
    return models;
  }

  public List<HourlyPrice> gpus() {
    return gpus;
  }

  public List<HourlyPrice> provisioned() {
    return provisioned;
  }

  /**
   * The entry that prices {@code model} (as the inference names it; {@code provider} may be null)
   * at {@code timestampMillis}, or empty when none does.
   */
  public Optional<ModelPrice> modelPrice(String provider, String model, long timestampMillis) {
    return Optional.ofNullable(matches(provider, model).at(timestampMillis));
  }

  /** The hourly price of one GPU of this model (dcgm-exporter's {@code modelName}) at a time. */
  public Optional<HourlyPrice> gpuPrice(String gpuModel, long timestampMillis) {
    return Optional.ofNullable(hourly(compiledGpus, gpuModel).at(timestampMillis));
  }

  /** The hourly price of a provisioned deployment at a time, or empty when it is paid per token. */
  public Optional<HourlyPrice> provisionedPrice(String deployment, long timestampMillis) {
    return Optional.ofNullable(provisionedMatches(deployment).at(timestampMillis));
  }

  InForce<HourlyPrice> provisionedMatches(String deployment) {
    return compiledProvisioned.length == 0 ? InForce.none() : hourly(compiledProvisioned, deployment);
  }

  boolean hasProvisioned() {
    return compiledProvisioned.length > 0;
  }

  /** Every model entry that matches, in the order they win; what the pricer caches per name. */
  InForce<ModelPrice> matches(String provider, String model) {
    String full = ModelPrice.lower(model);
    String bare = bare(full);
    String prov = provider == null || provider.isBlank() ? null : ModelPrice.lower(provider);
    String qualified = prov == null || full.startsWith(prov + "/") ? null : prov + "/" + full;
    Set<String> stems = stems(bare);
    List<InForce.Hit<ModelPrice>> hits = new ArrayList<>();
    for (int i = 0; i < compiledModels.length; i++) {
      CompiledModel c = compiledModels[i];
      if (prov != null && c.provider != null && !c.provider.equals(prov)) continue;
      int agrees = prov != null && prov.equals(c.provider) ? 1 : 0;
      int exact = c.exactLength(full, qualified, bare);
      if (exact > 0) {
        hits.add(new InForce.Hit<>(c.price, 2, exact * 2 + agrees, c.layer, c.startMillis, i));
      } else if (c.family(full, qualified, bare, stems)) {
        hits.add(new InForce.Hit<>(c.price, 1, sharedPrefix(c.bareName, bare) * 2 + agrees, c.layer, c.startMillis, i));
      }
    }
    return InForce.of(hits);
  }

  private static InForce<HourlyPrice> hourly(CompiledHourly[] entries, String name) {
    if (name == null) return InForce.none();
    String n = ModelPrice.lower(name.trim());
    List<InForce.Hit<HourlyPrice>> hits = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      CompiledHourly c = entries[i];
      if (c.name.equals(n)) {
        hits.add(new InForce.Hit<>(c.price, 2, 0, c.layer, c.startMillis, i));
      } else if (c.pattern != null && c.pattern.matcher(n).matches()) {
        hits.add(new InForce.Hit<>(c.price, 1, sharedPrefix(c.name, n), c.layer, c.startMillis, i));
      }
    }
    return InForce.of(hits);
  }

  /** The name after its last {@code /} (a gateway's or host's prefix taken off). */
  static String bare(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }

  /** {@code name} without its release suffixes, one taken off at a time: {@code o1-2024-12-17} gives {@code o1}. */
  static Set<String> stems(String name) {
    Set<String> out = new LinkedHashSet<>();
    String s = name;
    for (int i = 0; i < 3; i++) {
      Matcher m = RELEASE_SUFFIX.matcher(s);
      if (!m.find() || m.start() == 0) break;
      s = s.substring(0, m.start());
      out.add(s);
    }
    return out;
  }

  static int sharedPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) i++;
    return i;
  }

  /** A model entry with its names lowercased and its pattern compiled once. */
  private static final class CompiledModel {
    final ModelPrice price;
    final Set<String> names = new HashSet<>();
    final String bareName;
    final String provider;
    final Pattern pattern;
    final long startMillis;
    final int layer;

    CompiledModel(ModelPrice price, int layer) {
      this.price = price;
      this.layer = layer;
      names.add(ModelPrice.lower(price.model()));
      for (String a : price.aliases()) names.add(ModelPrice.lower(a));
      this.bareName = bare(ModelPrice.lower(price.model()));
      this.provider = price.provider() == null ? null : ModelPrice.lower(price.provider());
      this.pattern = price.match() == null ? null : ModelPrice.compile(price.match());
      this.startMillis = price.startMillis();
    }

    /** The length of the name matched exactly, or 0. */
    int exactLength(String full, String qualified, String bare) {
      if (qualified != null && names.contains(qualified)) return qualified.length();
      if (names.contains(full)) return full.length();
      if (names.contains(bare)) return bare.length();
      return 0;
    }

    boolean family(String full, String qualified, String bare, Set<String> stems) {
      if (pattern != null) {
        if (pattern.matcher(full).matches() || pattern.matcher(bare).matches()
            || qualified != null && pattern.matcher(qualified).matches()) {
          return true;
        }
      }
      for (String s : stems) {
        if (names.contains(s)) return true;
      }
      return false;
    }
  }

  private static final class CompiledHourly {
    final HourlyPrice price;
    final String name;
    final Pattern pattern;
    final long startMillis;
    final int layer;

    CompiledHourly(HourlyPrice price, int layer) {
      this.price = price;
      this.layer = layer;
      this.name = ModelPrice.lower(price.name().trim());
      this.pattern = price.match() == null ? null : ModelPrice.compile(price.match());
      this.startMillis = price.startMillis();
    }
  }
}
