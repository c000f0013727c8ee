export { idempotencyClaim, idempotencyKeyReused, IDEMPOTENCY_KEY_RETENTION_MS, replayedHeaders } from "./claim";
export { IDEMPOTENCY_KEY_HEADER, MAX_KEY_LENGTH, readIdempotencyKey } from "./key-header";
