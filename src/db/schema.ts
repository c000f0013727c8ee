import { sql } from "drizzle-orm";
import { blob, check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

import { GROUP_TYPES, SEGMENT_OPERATORS, SEGMENT_TYPES } from "./enums";

// The table contract. `npm run db:generate` turns changes here into a new SQL file in
// migrations/, which both `wrangler d1 migrations apply` and the tests apply. The Worker only
// imports types from here (its statements are plain SQL in src/db/*/), so drizzle's builders
// stay out of the bundle. docs/storage.md explains the design and what drizzle-kit cannot
// express (WITHOUT ROWID, the member triggers), which the migrations add by hand.

export { GROUP_TYPES, SEGMENT_OPERATORS, SEGMENT_TYPES } from "./enums";

/**
 * The catalog group members must reference. `organization_id` NULL = a global segment, the
 * platform's, visible to every organization; otherwise the organization's own. Each
 * organization has its own key space (several may own `3P:501`), and a key is either global or
 * private, never both (migrations/0007's triggers), so a member resolves unambiguously: its
 * organization's own segment, else the global one (docs/storage.md, "Catalog owners").
 */
export const segments = sqliteTable(
  "segments",
  {
    segmentType: text("segment_type", { enum: SEGMENT_TYPES }).notNull(),
    segmentId: integer("segment_id").notNull(),
    name: text("name").notNull(),
    // `name` lower-cased by the Worker (Unicode-aware, unlike SQLite's lower()): the `q` filter.
    nameFolded: text("name_folded").notNull().default(""),
    organizationId: integer("organization_id"),
    // Starts at 1 and grows on every replace; lets an upsert tell "created" from "replaced".
    revision: integer("revision").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    // The key space: 0 for global, else the owner. Part of the unique key, where a NULL would
    // let two global rows share a key.
    ownerScope: integer("owner_scope")
      .notNull()
      .generatedAlwaysAs(sql`coalesce(organization_id, 0)`, { mode: "stored" }),
  },
  (t) => [
    // A key is unique within its key space; "the segment K visible to organization O" is one
    // range of this index (owner_scope IN (0, O)).
    uniqueIndex("segments_key_idx").on(t.segmentType, t.segmentId, t.ownerScope),
    // Listing an owner's segments in catalog order (`organization_id` filter, pages); owner_scope
    // last so that the listing's tie-break (one key, several owners) is in index order too.
    index("segments_organization_key_idx").on(t.organizationId, t.segmentType, t.segmentId, t.ownerScope),
    check("segments_type_check", sql`${t.segmentType} IN ('CONTEXTUAL', '3P')`),
  ],
);

export const segmentGroups = sqliteTable(
  "segment_groups",
  {
    id: text("id").primaryKey(),
    organizationId: integer("organization_id").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: GROUP_TYPES }).notNull(),
    status: integer("status", { mode: "boolean" }).notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    // `name` lower-cased by the Worker (Unicode-aware, unlike SQLite's lower()): the `q` filter.
    nameFolded: text("name_folded").notNull().default(""),
    // Opaque version, a new random value on every write: the ETag, and the If-Match guard.
    etag: text("etag").notNull().default(""),
    // The subgroups with their members, as every read returns them (`segment_subgroup`): a
    // read is one row whatever the group's size.
    subgroups: text("subgroups").notNull().default("[]"),
    // Members over all subgroups, for bounded list pages.
    memberCount: integer("member_count").notNull().default(0),
    // How the subgroups combine. Its CHECK (AND/OR) is a column constraint added by hand in
    // migrations/0003: drizzle-kit would add a table-level one by rebuilding the table.
    subgroupOperator: text("subgroup_operator", { enum: SEGMENT_OPERATORS }).notNull().default("AND"),
    // The token `sub` of the create and of the last write; NULL for rows written before 0004.
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    // The group's key in the reverse index (migrations/0006): a small integer instead of the
    // 36-character id in every index row. Set by the insert; never changes.
    indexKey: integer("index_key"),
  },
  (t) => [
    // Listing is per organization, newest first.
    index("segment_groups_organization_created_idx").on(t.organizationId, t.createdAt, t.id),
    uniqueIndex("segment_groups_index_key_idx").on(t.indexKey),
    check("segment_groups_type_check", sql`${t.type} IN ('CONTEXTUAL', 'AUDIENCE')`),
    check("segment_groups_status_check", sql`${t.status} IN (0, 1)`),
  ],
);

/**
 * The reverse index of group membership: one row per distinct catalog segment of a group (a
 * segment in two subgroups is one row), the group named by its `index_key`. The group's JSON
 * document is the source; merges of the backlog below keep these rows in step
 * (src/db/segment-groups/member-index.ts). WITHOUT ROWID and keyed segment, organization, then
 * `index_key` (assigned in creation order), it is its own index for "which groups use segment
 * X" and gives one organization's users of X newest first as one range: a reverse lookup page
 * reads about a page of rows. No foreign key: the catalog's integrity is kept by triggers at
 * write time (migrations/0006), and a key per row would be checked at every merge.
 */
export const segmentGroupMembers = sqliteTable(
  "segment_group_members",
  {
    segmentType: text("segment_type", { enum: SEGMENT_TYPES }).notNull(),
    segmentId: integer("segment_id").notNull(),
    organizationId: integer("organization_id").notNull(),
    groupKey: integer("group_key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentType, t.segmentId, t.organizationId, t.groupKey] })],
);

/**
 * The reverse index's backlog: the groups whose rows in segment_group_members may differ from
 * their document, queued by triggers on segment_groups in the write's own transaction
 * (migrations/0006, 0009) and emptied by merges (src/db/segment-groups/member-index.ts). Readers
 * of the index read these groups' documents instead. `group_key` is the group's `index_key`;
 * `organization_id` the group's organization now (a reverse lookup reads one organization's
 * queued groups in key order); `indexed_subgroups` and `indexed_organization_id` what the index
 * holds for the group (NULL: nothing); `members_through` is the running total of `members`.
 */
export const segmentGroupIndexBacklog = sqliteTable(
  "segment_group_index_backlog",
  {
    seq: integer("seq").primaryKey(),
    groupKey: integer("group_key").notNull(),
    organizationId: integer("organization_id").notNull(),
    members: integer("members").notNull(),
    membersThrough: integer("members_through").notNull(),
    // 1 while a merge holds the row: set by the merge's first statement, read by the others.
    merging: integer("merging").notNull().default(0),
    indexedSubgroups: text("indexed_subgroups"),
    indexedOrganizationId: integer("indexed_organization_id"),
  },
  (t) => [
    uniqueIndex("segment_group_index_backlog_group_idx").on(t.groupKey),
    // A reverse lookup's queued candidates: one organization's, newest key first, from the cursor.
    index("segment_group_index_backlog_organization_idx").on(t.organizationId, t.groupKey),
    // Only the rows a merge holds: a write that merges nothing finds none without reading the queue.
    index("segment_group_index_backlog_merging_idx").on(t.seq).where(sql`${t.merging} = 1`),
  ],
);

/**
 * The change feed and version history: ONE row per write of a group, added in the write's own
 * batch (src/db/segment-groups/changes.ts). `position` (the rowid: largest + 1, so it grows in
 * commit order; never reused, as the purge never deletes the largest) is the feed's cursor; `data` is the group as that write stored it (the
 * row as JSON), NULL for a deletion. A deleted group's rows go when its tombstone is purged.
 */
export const segmentGroupChanges = sqliteTable(
  "segment_group_changes",
  {
    position: integer("position").primaryKey(),
    organizationId: integer("organization_id").notNull(),
    groupId: text("group_id").notNull(),
    change: text("change", { enum: ["created", "updated", "deleted"] }).notNull(),
    version: text("version").notNull(),
    changedAt: text("changed_at").notNull(),
    changedBy: text("changed_by"),
    data: text("data"),
  },
  (t) => [
    // The feed: an organization's events in commit order.
    index("segment_group_changes_organization_idx").on(t.organizationId, t.position),
    // The history (newest first) and the purge.
    index("segment_group_changes_group_idx").on(t.groupId, t.position),
    // Only tombstones, for the purge.
    index("segment_group_changes_tombstone_idx").on(t.position).where(sql`${t.change} = 'deleted'`),
    check("segment_group_changes_change_check", sql`${t.change} IN ('created', 'updated', 'deleted')`),
  ],
);

/**
 * One row: how far the purge of expired tombstones has gone (`purged_through`, the newest purged
 * tombstone's position), and where the history purge's scan stopped (`history_scanned_through`;
 * 0: start again from the oldest row). What a feed cursor may have missed is in change_feed_purges.
 */
export const changeFeedRetention = sqliteTable(
  "change_feed_retention",
  {
    id: integer("id").primaryKey(),
    purgedThrough: integer("purged_through").notNull(),
    historyScannedThrough: integer("history_scanned_through").notNull().default(0),
  },
  (t) => [check("change_feed_retention_single_row", sql`${t.id} = 1`)],
);

/**
 * One row per purge that deleted feed rows (src/db/segment-groups/purge-log.ts): `id` grows by
 * one with every purge (a feed cursor carries the newest id it was issued under), `through` is
 * the largest position that purge deleted. A cursor at position p issued under id k missed an
 * event exactly when some purge with id > k has through > p: then the feed answers 410.
 */
export const changeFeedPurges = sqliteTable("change_feed_purges", {
  id: integer("id").primaryKey(),
  through: integer("through").notNull(),
});

/**
 * What each organization stores, kept by triggers on segment_groups, segments and
 * segment_group_changes in every write's own transaction (migrations/0008): the quota guards
 * read one row instead of counting, and GET /usage reads one row per organization.
 */
export const organizationUsage = sqliteTable(
  "organization_usage",
  {
    organizationId: integer("organization_id").primaryKey(),
    groups: integer("groups").notNull().default(0),
    // Private catalog segments: segments.organization_id = this organization.
    segments: integer("segments").notNull().default(0),
    // Its rows in segment_group_changes (history and feed).
    versions: integer("versions").notNull().default(0),
    // Bytes of its groups' documents (subgroups) and its history copies (data).
    storedBytes: integer("stored_bytes").notNull().default(0),
  },
);


/**
 * Idempotency keys of POST /segment_groups and POST /segments/bulk: one row per (caller, route,
 * key), written in the same batch as the write it answers (src/db/idempotency/). `snapshot` is
 * the JSON of the rows that answer returned, so a replay is built by the same code as the
 * original. WITHOUT ROWID (migrations/0005): the scope is the only key the table needs.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    // The token's `sub`.
    subject: text("subject").notNull(),
    // "POST /segment_groups", "POST /segments/bulk".
    route: text("route").notNull(),
    key: text("key").notNull(),
    // SHA-256 (hex) of the validated request body as canonical JSON.
    fingerprint: text("fingerprint").notNull(),
    status: integer("status").notNull(),
    snapshot: text("snapshot").notNull(),
    // Kept at least until then; the Cron Trigger purges it after (src/scheduled/).
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.route, t.key] }), index("idempotency_keys_expires_idx").on(t.expiresAt)],
);

// What every stored sketch keeps beside its bytes: DataSketches' figures for it, read once at
// upload (src/sketch/summarize.ts), so its metadata never reads the bytes. The bytes come last
// in the row: SQLite then reads the other columns without touching the BLOB's overflow pages.
const sketchColumns = () => ({
  estimate: real("estimate").notNull(),
  lowerBound: real("lower_bound").notNull(),
  upperBound: real("upper_bound").notNull(),
  retainedEntries: integer("retained_entries").notNull(),
  theta: real("theta").notNull(),
  // The uploader's lg_k when it stated one: a compact sketch does not record it.
  lgK: integer("lg_k"),
  byteLength: integer("byte_length").notNull(),
  // The sketch counter's value at this write: grows with every sketch written, never reused, so
  // a cached reach knows whether the sketches it used are still the stored ones.
  version: integer("version").notNull(),
  // 1 when written, + 1 on every replace: tells "created" from "replaced", as segments' revision.
  revision: integer("revision").notNull().default(1),
  updatedAt: text("updated_at").notNull(),
  sketch: blob("sketch", { mode: "buffer" }).notNull(),
});

/**
 * The Theta sketch of a catalog segment, keyed like the segment (its key space included). A
 * trigger deletes it with its segment (migrations/0010). docs/storage.md, "Sketches".
 */
export const segmentSketches = sqliteTable(
  "segment_sketches",
  {
    segmentType: text("segment_type", { enum: SEGMENT_TYPES }).notNull(),
    segmentId: integer("segment_id").notNull(),
    ownerScope: integer("owner_scope").notNull(),
    ...sketchColumns(),
  },
  (t) => [primaryKey({ columns: [t.segmentType, t.segmentId, t.ownerScope] })],
);

/** The universe's sketch (every user the platform can reach): one row at most. */
export const universeSketch = sqliteTable(
  "universe_sketch",
  {
    id: integer("id").primaryKey(),
    ...sketchColumns(),
  },
  (t) => [check("universe_sketch_single_row", sql`${t.id} = 1`)],
);

/** One row: the last sketch version handed out (segment_sketches.version, universe_sketch.version). */
export const sketchCounter = sqliteTable(
  "sketch_counter",
  {
    id: integer("id").primaryKey(),
    lastVersion: integer("last_version").notNull(),
  },
  (t) => [check("sketch_counter_single_row", sql`${t.id} = 1`)],
);

/**
 * A group's last computed reach: valid while the group keeps its version (`etag`) and its
 * sketches their `fingerprint` (src/db/sketches/reach-inputs.ts). Deleted with its group.
 */
export const groupReachCache = sqliteTable("group_reach_cache", {
  groupId: text("group_id")
    .primaryKey()
    .references(() => segmentGroups.id, { onDelete: "cascade" }),
  etag: text("etag").notNull(),
  fingerprint: text("fingerprint").notNull(),
  // The answer's `data`, JSON.
  reach: text("reach").notNull(),
  computedAt: text("computed_at").notNull(),
});

/**
 * The directory of shards (src/db/shards/directory.ts): which shard each organization lives on.
 * Read and written in `DB` only; the other shards carry the table empty (one migrations folder).
 */
export const organizationShards = sqliteTable(
  "organization_shards",
  {
    organizationId: integer("organization_id").primaryKey(),
    // A shard's binding name: DB, DB_2, DB_APAC...
    shard: text("shard").notNull(),
    // 'moving' while src/db/shards/move.ts drains and copies it: its writes answer 503.
    state: text("state", { enum: ["active", "moving"] }).notNull().default("active"),
    // While moving: the shard it goes to.
    movingTo: text("moving_to"),
    // After a move: the shard its old rows are still to be deleted from.
    previousShard: text("previous_shard"),
    placedAt: text("placed_at").notNull(),
    // When `state`, `shard` or `previous_shard` last changed: a move waits out the isolates' cached placements from then.
    changedAt: text("changed_at").notNull(),
    // How many moves it has made: feed and reverse lookup cursors bind it (a new shard numbers rows anew).
    moves: integer("moves").notNull().default(0),
  },
  (t) => [
    // Placement counts organizations per shard.
    index("organization_shards_shard_idx").on(t.shard),
    check("organization_shards_state_check", sql`${t.state} IN ('active', 'moving')`),
  ],
);

/**
 * Global segments a catalog admin's delete has retired on this shard while it checks every
 * shard for groups using them (src/db/segments/global-delete.ts, docs/storage.md "Shards"):
 * a retired segment is no member of any new or changed group. Empty but for a delete under way.
 */
export const segmentRetirements = sqliteTable(
  "segment_retirements",
  {
    segmentType: text("segment_type", { enum: SEGMENT_TYPES }).notNull(),
    segmentId: integer("segment_id").notNull(),
    retiredAt: text("retired_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentType, t.segmentId] })],
);
