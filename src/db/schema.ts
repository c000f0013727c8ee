import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  unique,
} from "drizzle-orm/sqlite-core";

// The table contract. `npm run db:generate` turns changes here into a new SQL file in
// migrations/, which both `wrangler d1 migrations apply` and the tests apply.

export const SEGMENT_TYPES = ["CONTEXTUAL", "3P"] as const;
export const GROUP_TYPES = ["CONTEXTUAL", "AUDIENCE"] as const;
export const SEGMENT_OPERATORS = ["AND", "OR"] as const;

/** The catalog group members must reference. `organization_id` NULL = visible to every organization. */
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
  },
  (t) => [
    primaryKey({ columns: [t.segmentType, t.segmentId] }),
    // Listing an organization's own segments in catalog order (`organization_id` filter, pages).
    index("segments_organization_key_idx").on(t.organizationId, t.segmentType, t.segmentId),
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
  },
  (t) => [
    // Listing is per organization, newest first.
    index("segment_groups_organization_created_idx").on(t.organizationId, t.createdAt, t.id),
    check("segment_groups_type_check", sql`${t.type} IN ('CONTEXTUAL', 'AUDIENCE')`),
    check("segment_groups_status_check", sql`${t.status} IN (0, 1)`),
  ],
);

export const segmentSubgroups = sqliteTable(
  "segment_subgroups",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => segmentGroups.id, { onDelete: "cascade" }),
    // 0-based place in the request's `segment_subgroup` array; order is part of the data.
    position: integer("position").notNull(),
    segmentOperator: text("segment_operator", { enum: SEGMENT_OPERATORS }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.position] }),
    check("segment_subgroups_operator_check", sql`${t.segmentOperator} IN ('AND', 'OR')`),
  ],
);

export const segmentSubgroupMembers = sqliteTable(
  "segment_subgroup_members",
  {
    groupId: text("group_id").notNull(),
    subgroupPosition: integer("subgroup_position").notNull(),
    position: integer("position").notNull(),
    segmentType: text("segment_type", { enum: SEGMENT_TYPES }).notNull(),
    segmentId: integer("segment_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.subgroupPosition, t.position] }),
    foreignKey({
      columns: [t.groupId, t.subgroupPosition],
      foreignColumns: [segmentSubgroups.groupId, segmentSubgroups.position],
    }).onDelete("cascade"),
    // No cascade: a catalog segment cannot disappear while a group uses it.
    foreignKey({
      columns: [t.segmentType, t.segmentId],
      foreignColumns: [segments.segmentType, segments.segmentId],
    }),
    unique("segment_subgroup_members_once_per_subgroup").on(
      t.groupId,
      t.subgroupPosition,
      t.segmentType,
      t.segmentId,
    ),
    // "Which groups use segment X" (the `segment` filter, DELETE /segments' in-use count) and
    // the foreign key check on delete, answered from the index alone (it holds group_id).
    index("segment_subgroup_members_segment_group_idx").on(t.segmentType, t.segmentId, t.groupId),
  ],
);
