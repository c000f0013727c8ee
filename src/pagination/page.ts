import * as z from "zod/mini";
import { integerParam } from "../validation/integer-param";
import { encodeCursor } from "./cursor";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** A `limit` query parameter: a canonical integer from 1 to `max`, `byDefault` when absent. */
export function limitParamOf(max: number, byDefault: number) {
  return z
    .pipe(
      z.optional(integerParam({ min: 1, max, malformed: { code: "invalid_type", message: "must be an integer" } })),
      z.transform((n: number | undefined) => n ?? byDefault),
    )
    .register(z.globalRegistry, { description: `Items per page, 1 to ${max} (default ${byDefault}).` });
}

/** The `limit` query parameter of the listings: a canonical integer from 1 to 100, 25 when absent. */
export const limitParam = limitParamOf(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);

/** The extra `meta` of a page, for the docs (`describeRoute({ success: { meta: pageMetaSchema } })`). */
export const pageMetaSchema = z.object({
  next_cursor: z.nullable(z.string()).register(z.globalRegistry, { description: "Send it as `cursor` for the next page; null on the last page." }),
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
