// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import { cursorParam, encodeCursor, limitParamOf } from "../../pagination";
import { positiveIdParam } from "../../validation/integer-param";
import { segmentGroupSchema } from "./schemas";

/**
 * A place in the change feed: the position of the last event seen, and the newest purge when
 * the cursor was issued (change_feed_purges' id; a purge since then that deleted an event after
 * the position: 410). Cursors issued before purges were numbered carry the position purged
 * through then, which the first numbered purge continues from.
 */
export type FeedCursor = [position: number, purgedThrough: number];

export function feedCursor(position: number, purgedThrough: number): string {
  return encodeCursor([position, purgedThrough] satisfies FeedCursor);
}

const position = z.int().check(z.minimum(0));

export const MAX_CHANGES_PER_PAGE = 1000;
export const DEFAULT_CHANGES_PER_PAGE = 100;

/** The query of GET /segment_groups/changes: strict, like the list's. */
export const listChangesQuerySchema = z.strictObject({
  organization_id: z.optional(positiveIdParam).register(z.globalRegistry, { description: "Only this organization's changes; it must be one of the token's." }),
  after: z.optional(cursorParam(z.tuple([position, position]))).register(z.globalRegistry, {
    description:
      "A `cursor` or `meta.next_cursor` from this feed, or the list's `meta.changes_cursor`: the events after it. Without it, the feed starts at its oldest retained event.",
  }),
  limit: limitParamOf(MAX_CHANGES_PER_PAGE, DEFAULT_CHANGES_PER_PAGE),
});

const changeKind = z.enum(["created", "updated", "deleted"]);
const changedBy = z.nullable(z.string()).register(z.globalRegistry, { description: "The `sub` of the token that made the change; null if not recorded." });

/** One event of the feed: one committed create, PATCH or DELETE. */
export const segmentGroupChangeSchema = z
  .object({
    cursor: z.string().register(z.globalRegistry, { description: "This event's place in the feed; send it as `after` to resume after it." }),
    change: changeKind,
    id: z.string().register(z.globalRegistry, { format: "uuid", description: "The segment group's id." }),
    version: z.string().register(z.globalRegistry, { description: "The group's ETag after this change (a deletion has its own)." }),
    changed_at: z.string().register(z.globalRegistry, { format: "date-time" }),
    changed_by: changedBy,
    data: z.nullable(segmentGroupSchema),
  })
  .register(z.globalRegistry, { id: "SegmentGroupChange" });

export const changesMetaSchema = z.object({
  next_cursor: z.string().register(z.globalRegistry, { description: "Where to resume: send it as `after`. Always present, also on an empty page." }),
  has_more: z.boolean().register(z.globalRegistry, { description: "More events follow now; when false, poll again later with `next_cursor`." }),
});

/** One version in a group's history. */
export const segmentGroupVersionSchema = z
  .object({
    version: z.string().register(z.globalRegistry, { description: "The ETag the group had after this change; a deletion has its own." }),
    changed_at: z.string().register(z.globalRegistry, { format: "date-time" }),
    changed_by: changedBy,
    change: changeKind,
    data: z.nullable(segmentGroupSchema),
  })
  .register(z.globalRegistry, { id: "SegmentGroupVersion" });
