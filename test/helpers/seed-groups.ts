import { newEtag, newSegmentGroupId } from "../../src/db/ids";
import { foldName } from "../../src/db/name-search";
import { shardOf } from "./shards";
import { groupExpression } from "../../src/logic/expression";

export interface SeedMember {
  segment_id: number;
  segment_type: "CONTEXTUAL" | "3P";
}

export interface SeedGroup {
  organization_id: number;
  created_at: string;
  id?: string;
  name?: string;
  type?: "CONTEXTUAL" | "AUDIENCE";
  status?: boolean;
  subgroup_operator?: "AND" | "OR";
  /** Defaults to one AND subgroup holding CONTEXTUAL 101 (seedCatalog). */
  segment_subgroup?: { segment_operator: "AND" | "OR"; exclude?: boolean; segment_members: SeedMember[] }[];
}

/** A group as the API returns it. */
export type ApiGroup = Required<Omit<SeedGroup, "created_at">> & {
  segment_subgroup: { segment_operator: "AND" | "OR"; exclude: boolean; segment_members: SeedMember[] }[];
  expression: string;
  created_at: string;
  updated_at: string;
  created_by: null;
  updated_by: null;
};

/**
 * Writes groups straight into segment_groups in one statement (rows travel as JSON; the
 * table's triggers fill the reverse index), for listings that need hundreds of them with
 * chosen creation times. Names are folded as the API folds them; no one is recorded as their
 * author, and they have no change events. Returns each group as the API shows it.
 */
export async function seedGroups(groups: SeedGroup[]): Promise<ApiGroup[]> {
  const full: ApiGroup[] = groups.map((g, i) => {
    const subgroups = g.segment_subgroup ?? [{ segment_operator: "AND", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }];
    // Stored as the API stores it: every subgroup states `exclude`, keys in the API's order.
    const logic = {
      subgroup_operator: g.subgroup_operator ?? "AND",
      segment_subgroup: subgroups.map((s) => ({ segment_operator: s.segment_operator, exclude: s.exclude ?? false, segment_members: s.segment_members })),
    } as const;
    return {
      id: g.id ?? newSegmentGroupId(Date.parse(g.created_at)),
      name: g.name ?? `Seeded group ${i}`,
      type: g.type ?? "CONTEXTUAL",
      organization_id: g.organization_id,
      status: g.status ?? true,
      ...logic,
      expression: groupExpression(logic),
      created_at: g.created_at,
      updated_at: g.created_at,
      created_by: null,
      updated_by: null,
    };
  });
  const groupRows = full.map((g) => [
    g.id,
    g.organization_id,
    g.name,
    g.type,
    g.status ? 1 : 0,
    g.created_at,
    foldName(g.name),
    newEtag(),
    JSON.stringify(g.segment_subgroup),
    g.segment_subgroup.reduce((n, s) => n + s.segment_members.length, 0),
    g.subgroup_operator,
  ]);
  // Each organization's groups on its own shard (DB for one not placed yet, which then stays there).
  const byShard = new Map<D1Database, unknown[][]>();
  for (const [i, g] of full.entries()) {
    const shard = await shardOf(g.organization_id);
    byShard.set(shard, [...(byShard.get(shard) ?? []), groupRows[i]!]);
  }
  for (const [shard, rows] of byShard) await shard.prepare(
    `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag, subgroups, member_count, subgroup_operator)
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10
     FROM json_each(?)`,
  )
    .bind(JSON.stringify(rows))
    .run();
  return full;
}

/** The listing's order: newest first, ties by id (both compared as SQLite compares text). */
export function newestFirst(a: { created_at: string; id: string }, b: { created_at: string; id: string }): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
