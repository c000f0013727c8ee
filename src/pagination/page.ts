// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod";
import { encodeCursor } from "./cursor";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** A `limit` query parameter: a canonical integer from 1 to `max`, `byDefault` when absent. */
export function limitParamOf(max: number, byDefault: number) {
  return z
    .string()
    .transform(function parseLimit(raw, ctx) {
      const n = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isNaN(n)) ctx.addIssue({ code: "custom", message: "must be an integer", params: { code: "invalid_type" } });
      else if (n < 1) ctx.addIssue({ code: "custom", message: "must be at least 1", params: { code: "too_small" } });
      else if (n > max) ctx.addIssue({ code: "custom", message: `must be at most ${max}`, params: { code: "too_large" } });
      return n;
    })
    .optional()
    .transform((n) => n ?? byDefault)
    .meta({ description: `Items per page, 1 to ${max} (default ${byDefault}).` });
}

/** The `limit` of the listings: 1 to 100, 25 when absent. */
export const limitParam = limitParamOf(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);

/** The extra `meta` of a page, for the docs (`describeRoute({ success: { meta: pageMetaSchema } })`). */
export const pageMetaSchema = z.object({
  next_cursor: z.string().nullable().meta({ description: "Send it as `cursor` for the next page; null on the last page." }),
  has_more: z.boolean(),
});

export interface Page<Item> {
  items: Item[];
  /** Goes into the response's `meta`. */
  meta: { next_cursor: string | null; has_more: boolean };
}

/**
 * Cuts a page from rows fetched with `LIMIT limit + 1`: the extra row only tells whether
 * another page exists, and the cursor is the key of the last item kept.
 */
export function pageOf<Row, Item>(rows: Row[], limit: number, keyOf: (row: Row) => readonly unknown[], toItem: (row: Row) => Item): Page<Item> {
  const hasMore = rows.length > limit;
  return pageFrom(hasMore ? rows.slice(0, limit) : rows, hasMore, keyOf, toItem);
}

/** A page from the rows it keeps and whether more follow; the cursor is the key of the last row kept. */
export function pageFrom<Row, Item>(kept: Row[], hasMore: boolean, keyOf: (row: Row) => readonly unknown[], toItem: (row: Row) => Item): Page<Item> {
  const last = kept.at(-1);
  return {
    items: kept.map(toItem),
    meta: { next_cursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null, has_more: hasMore },
  };
}
