import * as z from "zod/mini";
import { addTransformIssue } from "../validation/transform-issue";

/**
 * Keyset cursors: a cursor is the sort key of the last item of a page, base64url-encoded JSON.
 * Opaque to clients; the next page starts strictly after that key, so items created or
 * deleted meanwhile never make a page skip or repeat one.
 */
export function encodeCursor(key: readonly unknown[]): string {
  return base64url(new TextEncoder().encode(JSON.stringify(key)));
}

/** Unpadded base64url, the alphabet of every cursor. */
export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): unknown {
  // Room for a key, the digest of the filters and the bookmarks of up to 16 shards (src/db/shards/bookmarks.ts).
  if (!/^[A-Za-z0-9_-]{1,8192}$/.test(cursor)) return undefined;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** The message for a cursor the listing refuses. */
export const NOT_THIS_LISTING = "is not a cursor from this listing; start again without it";

/**
 * The `cursor` query parameter for a listing sorted by `key` (a zod tuple). Anything this API
 * did not issue for that listing is a 400 on `cursor`, never a 500 or an empty page.
 *
 * @example cursor: z.optional(cursorParam(z.tuple([z.string(), z.string()])))
 */
export function cursorParam<Key extends z.core.$ZodType>(key: Key) {
  return z
    .pipe(
      z.string(),
      z.transform(function parseCursor(raw: string, payload): z.output<Key> {
        const parsed = z.safeParse(key, decodeCursor(raw));
        if (parsed.success) return parsed.data;
        addTransformIssue(payload, "invalid_value", NOT_THIS_LISTING);
        return z.NEVER;
      }),
    )
    .register(z.globalRegistry, { description: "Opaque: the `meta.next_cursor` of the previous page." });
}
