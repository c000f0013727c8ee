import type { ErrorCode } from "../errors";

/** What describeRoute says on every route that honours Idempotency-Key (src/idempotency/). */
export const IDEMPOTENCY_DOCS = {
  requestHeaders: {
    "Idempotency-Key":
      "Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): 1–255 printable ASCII characters, bare or as a quoted string, kept " +
      "at least 24 hours for your token's `sub` on this route. The same key with the same body answers the first success again, writing " +
      "nothing; with another body, 422 `idempotency_key_reused`. A failed request keeps nothing, so you may retry it with the same key.",
  },
  responseHeaders: { "Idempotent-Replayed": "`true` when this is the stored answer to an earlier request with the same Idempotency-Key." },
  errors: ["idempotency_key_reused"] as ErrorCode[],
};
