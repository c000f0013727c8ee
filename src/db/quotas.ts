// The per-organization quotas, as SQL fragments for the guarded writes: each reads the
// organization's counters (organization_usage, kept by triggers in every write's own
// transaction: migrations/0008), so a guard costs one row read, never a count, and two
// concurrent writes cannot both pass it (D1 runs one write transaction at a time).

/** True while organization `organization` holds fewer than `limit` groups: one more fits. */
export function groupQuotaAllowsSql(organization: string, limit: string): string {
  return `coalesce((SELECT groups FROM organization_usage WHERE organization_id = ${organization}), 0) < ${limit}`;
}

/**
 * The organizations that `keys` (a JSON array of [segment_type, segment_id, owner]) would take
 * past `limit` private segments: one row each (organization_id, added), none when all fit. A
 * key counts only if it names an owner and does not exist yet in that owner's key space (a
 * replace adds nothing).
 */
export function segmentQuotaExceededSql(keys: string, limit: string): string {
  return `SELECT a.organization_id, a.added FROM (
      SELECT i.value ->> 2 AS organization_id, count(*) AS added FROM json_each(${keys}) AS i
      WHERE i.value ->> 2 IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM segments AS s WHERE s.segment_type = i.value ->> 0 AND s.segment_id = i.value ->> 1 AND s.owner_scope = i.value ->> 2)
      GROUP BY 1
    ) AS a
    WHERE a.added + coalesce((SELECT u.segments FROM organization_usage AS u WHERE u.organization_id = a.organization_id), 0) > ${limit}`;
}
