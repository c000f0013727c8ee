import { jsonParam, type Database } from "../database";
import { GROUP_COLUMNS, inOrganizationsSql, type SegmentGroupRow } from "./row";

const FIND = `SELECT ${GROUP_COLUMNS} FROM segment_groups WHERE id = ?1 AND ${inOrganizationsSql("organization_id", "?2")}`;

/** One segment group of one of `organizationIds`, whole: ONE query reading one row. */
export function findSegmentGroup(db: Database, id: string, organizationIds: Iterable<number>): Promise<SegmentGroupRow | undefined> {
  return db.first<SegmentGroupRow>(db.statement(FIND, id, jsonParam(organizationIds)));
}
