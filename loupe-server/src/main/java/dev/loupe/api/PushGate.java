package dev.loupe.api;

import dev.loupe.ingest.IngestAdmission;
import io.javalin.http.Context;

/**
 * What every push endpoint does before it reads a body: a declared length over the limit is
 * refused with 413, then a full ingest gate with 429 and {@code Retry-After}, in that order, since
 * retrying cannot change the first. Each endpoint encodes the refusal its senders understand.
 */
final class PushGate {
  /** Answers a refusal in the endpoint's own encoding. */
  interface Refusal {
    void refuse(Context ctx, int status, String message);
  }

  private PushGate() {}

  /** Runs {@code admitted} holding a place in the gate, or answers why not. */
  static void enter(Context ctx, long maxBodyBytes, IngestAdmission admission, Refusal refusal, Runnable admitted) {
    try {
      BodyReader.checkDeclaredLength(ctx, maxBodyBytes);
    } catch (BodyReader.TooLarge e) {
      refusal.refuse(ctx, 413, e.getMessage());
      return;
    }
    if (!admission.tryEnter()) {
      ctx.header("Retry-After", Long.toString(admission.retryAfter().toSeconds()));
      refusal.refuse(ctx, 429, admission.overloadedMessage());
      return;
    }
    try {
      admitted.run();
    } finally {
      admission.leave();
    }
  }
}
