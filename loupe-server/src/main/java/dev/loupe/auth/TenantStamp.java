package dev.loupe.auth;

import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import java.util.List;

/**
 * Writes a tenant-bound token's tenant into what it sends, whatever the body said. Of Loupe's
 * records only inferences carry a tenant; the others are stored as sent.
 */
public final class TenantStamp {
  private TenantStamp() {}

  /** {@code batch} with every inference's tenant set to {@code principal}'s, or {@code batch} itself if it has none. */
  public static Batch apply(Principal principal, Batch batch) {
    String tenant = principal.tenant();
    if (tenant == null || batch.inferences().isEmpty()) return batch;
    List<Inference> stamped =
        batch.inferences().stream().map(i -> tenant.equals(i.tenant()) ? i : i.withTenant(tenant)).toList();
    return batch.withInferences(stamped);
  }
}
