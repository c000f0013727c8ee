import { Hono, type Context } from "hono";
// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { listedOrganizations, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { readChanges, type ChangeRow } from "../../db/segment-groups/changes";
import { fromGroupSnapshot } from "../../db/segment-groups/row";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { NOT_THIS_LISTING } from "../../pagination";
import { isSharded } from "../../db/shards/bindings";
import { movesDigest, shardsOf } from "../../db/shards/route";
import { isShardedFeedCursor, positionsOf, readShardedChanges, shardedFeedCursor, type ShardedFeedCursor } from "./sharded-feed";
import { type FeedCursor, type FeedScope, assertFeedScope, assertNotPurged, changesMetaSchema, feedCursor, feedScope, listChangesQuerySchema, segmentGroupChangeSchema } from "./changes-schemas";

/**
 * GET /segment_groups/changes: every create, PATCH and DELETE of the caller's groups in commit
 * order, a page at a time. Following `next_cursor` sees each exactly once; a cursor from
 * before a purge that removed events after it is a 410 (reload with the list, resume from
 * its `meta.changes_cursor`). One D1 batch per page.
 */
export const listChanges = new Hono<AppEnv>().get(
  "/segment_groups/changes",
  describeRoute({
    operationId: "listSegmentGroupChanges",
    summary: "Follow the changes to segment groups",
    description:
      "Every create, update and delete of the organizations' groups, in the order they committed, each once. " +
      "Resume with `after` = `meta.next_cursor`. Deletions stay as tombstones for at least 30 days; a cursor older than " +
      "what is kept, or issued for the token's organizations before they changed, answers 410 `cursor_expired`: reload with " +
      "GET /segment_groups and resume from its `meta.changes_cursor`. A cursor read with another `organization_id` is a 400.",
    tags: ["Segment groups"],
    success: {
      status: 200,
      description: "The next events, oldest first; an empty array when there are none yet.",
      data: z.array(segmentGroupChangeSchema),
      meta: changesMetaSchema,
      headers: { "Cache-Control": "private, no-cache" },
    },
    errors: ["organization_forbidden", "cursor_expired"],
  }),
  requireAuthNamingOrganizations,
  requirePermission("read:segment_groups"),
  validate("query", listChangesQuerySchema),
  async function listChangesHandler(c) {
    const query = c.req.valid("query");
    const organizationIds = await listedOrganizations(c, query.organization_id);
    const scope = await feedScope(query.organization_id, organizationIds);
    if (query.after !== undefined) assertFeedScope(query.after, scope);

    if (isSharded(c.env)) return listShardedChanges(c, organizationIds, scope, query.after, query.limit);
    if (query.after !== undefined && isShardedFeedCursor(query.after)) throw ApiError.of("invalid_value", NOT_THIS_LISTING, "after");

    const [afterPosition, issuedPurgedThrough] = query.after ?? [0, 0];
    const issuedMark = query.after === undefined ? null : issuedPurgedThrough;
    const { rows, hasMore, state } = await readChanges(database(c), { organizationIds, after: afterPosition, limit: query.limit, issuedMark });
    assertNotPurged(state, afterPosition);

    // A replica behind the one that issued `after` must not move the cursor backwards.
    const purgedThrough = Math.max(state.purgedThrough, issuedPurgedThrough);
    const last = rows.at(-1);
    // Caught up: everything up to the feed's head was read in this snapshot, so resume from there.
    const nextPosition = hasMore && last ? last.position : Math.max(afterPosition, state.head);
    const events = rows.map((row) => toChange(row, feedCursor(row.position, purgedThrough, scope)));
    return success(c, events, 200, { "Cache-Control": "private, no-cache" }, { next_cursor: feedCursor(nextPosition, purgedThrough, scope), has_more: hasMore });
  },
);

// The feed over the shards the organizations live on (src/routes/segment-groups/sharded-feed.ts).
async function listShardedChanges(c: Context<AppEnv>, organizationIds: number[], scope: FeedScope, after: FeedCursor | ShardedFeedCursor | undefined, limit: number) {
  const parts = await shardsOf(c, organizationIds);
  const moves = await movesDigest(parts);
  const { events, next, hasMore } = await readShardedChanges(c, parts, after === undefined ? undefined : positionsOf(after, moves), limit);
  const data = events.map(({ row, positions }) => toChange(row, shardedFeedCursor(positions, scope, moves)));
  return success(c, data, 200, { "Cache-Control": "private, no-cache" }, { next_cursor: shardedFeedCursor(next, scope, moves), has_more: hasMore });
}

function toChange(row: ChangeRow, cursor: string) {
  return {
    cursor,
    change: row.change,
    id: row.group_id,
    version: row.version,
    changed_at: row.changed_at,
    changed_by: row.changed_by,
    data: row.data === null ? null : fromGroupSnapshot(row.data),
  };
}
