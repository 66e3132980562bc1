package dev.loupe.ingest;

import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import java.util.List;

/**
 * What prompt and completion content may be kept. Off by default: content is dropped on arrival,
 * before anything is written, unless the operator enabled it.
 */
public record CapturePolicy(boolean prompts, boolean completions) {
  public static final CapturePolicy OFF = new CapturePolicy(false, false);

  Batch apply(Batch batch) {
    if (prompts && completions) {
      return batch;
    }
    boolean any = false;
    for (Inference i : batch.inferences()) {
      if (i.prompt() != null || i.completion() != null) {
        any = true;
        break;
      }
    }
    if (!any) {
      return batch;
    }
    List<Inference> kept = batch.inferences().stream().map(this::apply).toList();
    return batch.withInferences(kept);
  }

  private Inference apply(Inference i) {
    if ((i.prompt() == null || prompts) && (i.completion() == null || completions)) {
      return i;
    }
    return i.withContent(prompts ? i.prompt() : null, completions ? i.completion() : null);
  }
}
