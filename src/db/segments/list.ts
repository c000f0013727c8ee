import type { SegmentType } from "../enums";
import { jsonParam, sqlParams, type Database } from "../database";
import { foldName } from "../name-search";
import { SEGMENT_COLUMNS, type SegmentRow } from "./row";

export interface SegmentListQuery {
  /** The caller's organizations: without `organizationId`, the listing is every segment they may see. */
  callerOrganizationIds: Iterable<number>;
  /** Only this organization's own segments (no global ones); the route checks the caller holds it. */
  organizationId?: number;
  type?: SegmentType;
  q?: string;
  /** The last key of the previous page (with its key space, `owner_scope`): the listing continues strictly after it. */
  after?: readonly [SegmentType, number, number];
  /** Rows to fetch: the page size plus one, so the caller can tell whether another page exists. */
  limit: number;
  /** Without `organizationId`: whether the global segments are listed too (false: another shard lists them, src/db/shards/). */
  globals?: boolean;
}

/**
 * One page of the catalog in key order (segment_type, segment_id, then owner: global first,
 * then organizations by id, since several of the caller's may own one key), in ONE query that reads
 * about one page of rows, however large the catalog. Each owner's segments are read in key
 * order from segments_organization_key_idx (organization_id, segment_type, segment_id): with
 * `organizationId` that is the whole query; otherwise the global segments and the caller's
 * organizations' are read as two pages of at most `limit` rows, merged and cut to `limit`.
 * (An `OR` of both would read every visible segment and sort them, on every page.)
 */
export function findSegmentPage(db: Database, query: SegmentListQuery): Promise<(SegmentRow & { owner_scope: number })[]> {
  const { values: params, bind: param } = sqlParams();
  const filters: string[] = [];
  if (query.type !== undefined) filters.push(`segment_type = ${param(query.type)}`);
  if (query.q !== undefined) filters.push(`instr(name_folded, ${param(foldName(query.q))}) > 0`);
  if (query.after !== undefined) {
    filters.push(`(segment_type, segment_id, owner_scope) > (${param(query.after[0])}, ${param(query.after[1])}, ${param(query.after[2])})`);
  }
  const limit = param(query.limit);
  const pageOwnedBy = (owner: string) =>
    `SELECT ${SEGMENT_COLUMNS}, owner_scope FROM segments WHERE ${[owner, ...filters].join(" AND ")} ORDER BY segment_type, segment_id, owner_scope LIMIT ${limit}`;

  const ofCaller = () => `organization_id IN (SELECT value FROM json_each(${param(jsonParam(query.callerOrganizationIds))}))`;
  const sql =
    query.organizationId !== undefined
      ? pageOwnedBy(`organization_id = ${param(query.organizationId)}`)
      : query.globals === false
        ? pageOwnedBy(ofCaller())
        : // SQLite allows LIMIT in a compound's arms only inside subqueries.
        `SELECT * FROM (${pageOwnedBy("organization_id IS NULL")})
         UNION ALL SELECT * FROM (${pageOwnedBy(ofCaller())})
         ORDER BY segment_type, segment_id, owner_scope LIMIT ${limit}`;
  return db.all<SegmentRow & { owner_scope: number }>(db.statement(sql, ...params));
}
