import { ApiError } from "../errors";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const MAX_KEY_LENGTH = 255;

// The draft (draft-ietf-httpapi-idempotency-key-header) sends the key as a Structured Field
// String, `"…"` with `\"` and `\\` escapes; many clients send it bare. Both are accepted and
// mean the same key: printable ASCII (0x20–0x7E) only.
const QUOTED = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
const BARE = /^[\x20-\x7e]+$/;

/**
 * The request's idempotency key: `undefined` without the header, else the key, or a 400 on
 * the header when it is empty, longer than 255 characters or not printable ASCII.
 */
export function readIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const quoted = QUOTED.exec(header);
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, "$1") : header;
  if (key.length < 1 || key.length > MAX_KEY_LENGTH || !BARE.test(key) || (!quoted && header.startsWith('"'))) {
    throw ApiError.of(
      "invalid_value",
      `must be 1–${MAX_KEY_LENGTH} printable ASCII characters, bare or as a quoted string (e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324")`,
      IDEMPOTENCY_KEY_HEADER,
    );
  }
  return key;
}
