// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod";

/**
 * Keyset cursors: a cursor is the sort key of the last item of a page, base64url-encoded JSON.
 * Opaque to clients; the next page starts strictly after that key, so items created or
 * deleted meanwhile never make a page skip or repeat one.
 */
export function encodeCursor(key: readonly unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return undefined;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * The `cursor` query parameter for a listing sorted by `key` (a zod tuple). Anything this API
 * did not issue for that listing is a 400 on `cursor`, never a 500 or an empty page.
 *
 * @example cursor: cursorParam(z.tuple([z.string(), z.string()])).optional()
 */
export function cursorParam<Key extends z.ZodType>(key: Key) {
  return z
    .string()
    .transform(function parseCursor(raw, ctx): z.output<Key> {
      const parsed = key.safeParse(decodeCursor(raw));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: "custom", message: "is not a cursor from this listing; start again without it", params: { code: "invalid_value" } });
      return z.NEVER;
    })
    .meta({ description: "Opaque: the `meta.next_cursor` of the previous page." });
}
