// RFC 7515 §2: base64url without padding. Each base64url character carries 6 bits; when a
// part's bit count is not a multiple of 8, the last character has unused low bits that must
// be zero, or one signed token could be written in several texts.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const PART = /^[A-Za-z0-9_-]*$/;

/** True when `part` is the one canonical unpadded base64url spelling of its bytes. */
export function isCanonicalBase64url(part: string): boolean {
  if (!PART.test(part)) return false;
  const tail = part.length % 4;
  if (tail === 1) return false; // 6 bits cannot end a byte
  if (tail === 0) return true; // every bit is used
  const lastValue = ALPHABET.indexOf(part[part.length - 1]!);
  // 2 characters hold 1 byte (4 unused bits); 3 characters hold 2 bytes (2 unused bits).
  const unusedBits = tail === 2 ? 4 : 2;
  return lastValue % (1 << unusedBits) === 0;
}

/** True when `token` is three dot-separated parts, each canonical unpadded base64url. */
export function isCanonicalCompactJws(token: string): boolean {
  const parts = token.split(".");
  return parts.length === 3 && parts.every(isCanonicalBase64url);
}
