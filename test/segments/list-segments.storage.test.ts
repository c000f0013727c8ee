import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { findSegmentPage, type SegmentListQuery } from "../../src/db/segment-reads";
import { seedSegments } from "../helpers/db";
import { ORG, OTHER_ORG } from "../helpers/fixtures";

// 6,000 segments: half global, a tenth ORG's, the rest OTHER_ORG's, both types interleaved.
beforeAll(async () => {
  const all = Array.from({ length: 6000 }, (_, i) => ({
    segment_type: i % 3 ? ("CONTEXTUAL" as const) : ("3P" as const),
    segment_id: i + 1,
    organization_id: i % 10 === 0 ? ORG : i % 2 ? null : OTHER_ORG,
  }));
  for (let i = 0; i < all.length; i += 1000) await seedSegments(all.slice(i, i + 1000));
});

/** Runs the page query, then replays its SQL to read D1's own count of rows read. */
async function rowsRead(query: SegmentListQuery): Promise<number> {
  const statements: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(env.DB, { logger: { logQuery: (sql, params) => statements.push({ sql, params }) } });
  const rows = await findSegmentPage(db, query);
  expect(rows).toHaveLength(query.limit);
  expect(statements).toHaveLength(1);
  const replay = await env.DB.prepare(statements[0]!.sql).bind(...statements[0]!.params).all();
  return replay.meta.rows_read;
}

describe("GET /segments — rows read per page", () => {
  // A plain `organization_id IS NULL OR organization_id IN (...)` reads and sorts every
  // visible segment on every page (over 3,600 here); each owner's index range read in key
  // order stops after about a page.
  it.each([
    ["the caller's view, first page", { callerOrganizationIds: [ORG] }],
    ["the caller's view, deep page", { callerOrganizationIds: [ORG], after: ["CONTEXTUAL", 4000] as const }],
    ["two organizations' view", { callerOrganizationIds: [ORG, OTHER_ORG] }],
    ["one organization's own segments", { callerOrganizationIds: [ORG], organizationId: ORG, after: ["3P", 3000] as const }],
  ])("%s reads a few pages of rows, not the catalog", async (_, query) => {
    expect(await rowsRead({ ...query, limit: 26 })).toBeLessThan(4 * 26 * 2);
  });
});
