import { jsonParam, type Database } from "./database";

/** What one organization stores (organization_usage, kept by triggers: migrations/0008). */
export interface UsageRow {
  organization_id: number;
  groups: number;
  segments: number;
  versions: number;
  stored_bytes: number;
}

// One primary-key lookup per organization, in the order given (json_each keeps it: no sort);
// an organization that never stored anything has no row and reads as zeros.
const USAGE = `SELECT o.value AS organization_id, coalesce(u.groups, 0) AS groups, coalesce(u.segments, 0) AS segments,
    coalesce(u.versions, 0) AS versions, coalesce(u.stored_bytes, 0) AS stored_bytes
  FROM json_each(?1) AS o LEFT JOIN organization_usage AS u ON u.organization_id = o.value`;

/** The usage of each of `organizationIds`, in ascending id order: ONE statement, two rows read per organization (D1 counts the id list's too). */
export async function readUsage(db: Database, organizationIds: readonly number[]): Promise<UsageRow[]> {
  return db.all<UsageRow>(db.statement(USAGE, jsonParam([...organizationIds].sort((a, b) => a - b))));
}
