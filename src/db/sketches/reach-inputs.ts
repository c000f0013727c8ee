import { jsonParam, type Database } from "../database";
import { missingMembersSql } from "../segment-groups/document";
import { visibleSegmentSql } from "../segments/integrity";
import { inOrganizationsSql, type SegmentGroupRow } from "../segment-groups/row";

// What a reach needs to know before it reads any sketch: which members have one (the others are
// 422 sketch_missing), the sketches' versions (the cache's fingerprint) and sizes (the loader's
// chunks), and the universe's. Rows of segment_sketches are read without their bytes.

/** A member's sketch as a reach sees it before loading it; nulls when the member has none. */
export interface MemberSketchState {
  subgroup: number;
  member: number;
  version: number | null;
  updated_at: string | null;
  byte_length: number | null;
}

export interface UniverseState {
  version: number;
  updated_at: string;
  byte_length: number;
}

export interface ReachInputs {
  members: MemberSketchState[];
  universe: UniverseState | undefined;
}

/**
 * `segment_sketches AS k ON ...`: the sketch of the member of organization `organization` (SQL)
 * with key (`type`, `id`), which resolves as the member does (visibleSegmentSql): its own
 * segment's, else the global one's.
 */
export const sketchOfMemberSql = (type: string, id: string, organization: string) => `segment_sketches AS k ON ${visibleSegmentSql("k", type, id, organization)}`;

const UNIVERSE = "SELECT version, updated_at, byte_length FROM universe_sketch WHERE id = 1";

const STORED_GROUP = `SELECT g.id, g.organization_id, g.etag, g.subgroup_operator, g.subgroups,
    c.etag AS cached_etag, c.fingerprint AS cached_fingerprint, c.reach AS cached_reach
  FROM segment_groups AS g LEFT JOIN group_reach_cache AS c ON c.group_id = g.id
  WHERE g.id = ?1 AND ${inOrganizationsSql("g.organization_id", "?2")}`;
const STORED_GROUP_MEMBERS = `SELECT s.key AS subgroup, m.key AS member, k.version, k.updated_at, k.byte_length
  FROM segment_groups AS g, json_each(g.subgroups) AS s, json_each(s.value, '$.segment_members') AS m
  LEFT JOIN ${sketchOfMemberSql("m.value ->> '$.segment_type'", "m.value ->> '$.segment_id'", "g.organization_id")}
  WHERE g.id = ?1 AND ${inOrganizationsSql("g.organization_id", "?2")}
  ORDER BY s.key, m.key`;

export type StoredGroup = Pick<SegmentGroupRow, "id" | "organization_id" | "etag" | "subgroup_operator" | "subgroups"> & {
  cached_etag: string | null;
  cached_fingerprint: string | null;
  cached_reach: string | null;
};

/** A stored group of the caller's organizations, its cached reach, and its reach inputs: ONE batch. */
export async function findGroupReachInputs(db: Database, id: string, organizationIds: Iterable<number>): Promise<(ReachInputs & { group: StoredGroup }) | undefined> {
  const organizations = jsonParam(organizationIds);
  const [group, members, universe] = await db.batch([
    db.statement(STORED_GROUP, id, organizations),
    db.statement(STORED_GROUP_MEMBERS, id, organizations),
    db.statement(UNIVERSE),
  ]);
  if (group!.length === 0) return undefined;
  return { group: group![0] as StoredGroup, members: members as MemberSketchState[], universe: universe![0] as UniverseState | undefined };
}

const KEYS_MEMBERS = `SELECT m.key AS member_index, k.version, k.updated_at, k.byte_length
  FROM json_each(?1) AS m LEFT JOIN ${sketchOfMemberSql("m.value ->> 0", "m.value ->> 1", "?2")}
  ORDER BY m.key`;
const KEYS_MISSING = `SELECT member_index FROM (${missingMembersSql("?1", "?2")}) ORDER BY member_index`;

/**
 * A group not stored (its member keys, `[[type, id], ...]` flattened subgroup by subgroup, and
 * its organization): the members the catalog lacks, else its reach inputs. ONE batch.
 */
export async function findDraftReachInputs(
  db: Database,
  memberKeys: string,
  subgroupSizes: readonly number[],
  organizationId: number,
): Promise<{ outcome: "segments_not_found"; missingMembers: number[] } | ({ outcome: "found" } & ReachInputs)> {
  const [missing, members, universe] = await db.batch([
    db.statement(KEYS_MISSING, memberKeys, organizationId),
    db.statement(KEYS_MEMBERS, memberKeys, organizationId),
    db.statement(UNIVERSE),
  ]);
  if (missing!.length > 0) return { outcome: "segments_not_found", missingMembers: (missing as { member_index: number }[]).map((r) => r.member_index) };
  const positions = subgroupSizes.flatMap((size, subgroup) => Array.from({ length: size }, (_, member) => ({ subgroup, member })));
  const states = (members as (Omit<MemberSketchState, "subgroup" | "member"> & { member_index: number })[]).map(({ member_index, ...state }) => ({
    ...positions[member_index]!,
    ...state,
  }));
  return { outcome: "found", members: states, universe: universe![0] as UniverseState | undefined };
}

/**
 * What the stored sketches a reach reads are, as one string: the number of members with a sketch,
 * their largest version, the universe's version. Versions are never reused, so for a given list
 * of members it changes whenever a member's sketch is written, replaced or deleted, or the
 * universe is: a cached reach is valid while its group's version and this are unchanged.
 */
export function sketchFingerprint(inputs: ReachInputs): string {
  let present = 0;
  let newest = 0;
  for (const { version } of inputs.members) {
    if (version === null) continue;
    present++;
    if (version > newest) newest = version;
  }
  return `${present}:${newest}:${inputs.universe?.version ?? 0}`;
}
