import { sql, type Column } from "drizzle-orm";

/**
 * `column IN (the caller's organizations)` as ONE bound parameter (a JSON array read with
 * json_each): a token may list many organizations, and D1 allows only 100 bound parameters
 * per statement.
 */
export function inOrganizations(column: Column, organizationIds: Iterable<number>) {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify([...organizationIds])}))`;
}
