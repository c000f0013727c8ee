// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import type { FeedState } from "../../db/segment-groups/changes";
import { ApiError } from "../../errors";
import { cursorParam, encodeCursor, issuedForDigest, limitParamOf, organizationSet } from "../../pagination";
import { positiveIdParam } from "../../validation/integer-param";
import { segmentGroupSchema } from "./schemas";
import { shardedFeedCursorSchema, type ShardedFeedCursor } from "./sharded-feed";

/**
 * A place in the change feed: the position of the last event seen; the newest purge when the
 * cursor was issued (change_feed_purges' id; a purge since then that deleted an event after the
 * position: 410); and the organizations it was issued for (FeedScope).
 */
export type FeedCursor = [position: number, purgedThrough: number, organizations: string, filtered: 0 | 1];

/**
 * The organizations a feed cursor follows: a digest of their set, and whether the request named
 * one (`organization_id`) or read all of the token's. A digest keeps every cursor short for a
 * token of 1,000 organizations; it tells that the set changed, not how.
 */
export interface FeedScope {
  organizations: string;
  filtered: 0 | 1;
}

export async function feedScope(organizationId: number | undefined, organizationIds: readonly number[]): Promise<FeedScope> {
  return { organizations: await issuedForDigest(organizationSet(organizationIds)), filtered: organizationId === undefined ? 0 : 1 };
}

export function feedCursor(position: number, purgedThrough: number, scope: FeedScope): string {
  return encodeCursor([position, purgedThrough, scope.organizations, scope.filtered] satisfies FeedCursor);
}

/**
 * A cursor read under another `organization_id` than it was issued under is the client's
 * mistake: 400 on `after`. A cursor of all the token's organizations read by a token whose
 * organizations changed is 410 `cursor_expired`: following it would silently skip the past
 * events of an organization the token gained, and the cursor cannot tell a gained organization
 * from a lost one; reloading the list gives the mirror exactly the groups the token sees now.
 */
export function assertFeedScope(cursor: FeedCursor | ShardedFeedCursor, scope: FeedScope): void {
  const [, , organizations, filtered] = cursor;
  if (organizations === scope.organizations) return;
  if (filtered !== scope.filtered || filtered === 1) {
    throw ApiError.of("invalid_value", "was issued for another organization_id; send the same organization_id, or start again without it", "after");
  }
  throw ApiError.of(
    "cursor_expired",
    "This cursor was issued for another set of organizations: the token's organizations changed since. Reload the groups with GET /segment_groups, " +
      "then resume the feed with after = the meta.changes_cursor of the list's first page.",
    "after",
  );
}

/**
 * 410 when a purge since the cursor was issued deleted an event after its position `from`
 * (`state.purgedSince`: src/db/segment-groups/purge-log.ts).
 */
export function assertNotPurged(state: FeedState, from: number): void {
  if (state.purgedSince !== null && from < state.purgedSince) {
    throw ApiError.of(
      "cursor_expired",
      "Events after this cursor have been purged (deletions are kept for 30 days, older versions as docs/api.md says). Reload the groups with GET /segment_groups, " +
        "then resume the feed with after = the meta.changes_cursor of the list's first page.",
      "after",
    );
  }
}

const position = z.int().check(z.minimum(0));

export const MAX_CHANGES_PER_PAGE = 1000;
export const DEFAULT_CHANGES_PER_PAGE = 100;

/** The query of GET /segment_groups/changes: strict, like the list's. */
export const listChangesQuerySchema = z.strictObject({
  organization_id: z.optional(positiveIdParam).register(z.globalRegistry, { description: "Only this organization's changes; it must be one of the token's." }),
  after: z.optional(cursorParam(z.union([z.tuple([position, position, z.string(), z.union([z.literal(0), z.literal(1)])]), shardedFeedCursorSchema]))).register(z.globalRegistry, {
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
