import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { Database, emptyUsage } from "../../src/db/database";
import { findSegmentPage, type SegmentListQuery } from "../../src/db/segments/list";
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

/** Runs the page query and returns D1's own count of rows read (from its result meta). */
async function rowsRead(query: SegmentListQuery): Promise<number> {
  const usage = emptyUsage();
  const rows = await findSegmentPage(new Database(env.DB, usage), query);
  expect(rows).toHaveLength(query.limit);
  expect(usage.queries).toBe(1);
  return usage.rowsRead;
}

describe("GET /segments — rows read per page", () => {
  // A plain `organization_id IS NULL OR organization_id IN (...)` reads and sorts every
  // visible segment on every page (over 3,600 here); each owner's index range read in key
  // order stops after about a page.
  it.each([
    ["the caller's view, first page", { callerOrganizationIds: [ORG] }],
    ["the caller's view, deep page", { callerOrganizationIds: [ORG], after: ["CONTEXTUAL", 4000, 0] as const }],
    ["two organizations' view", { callerOrganizationIds: [ORG, OTHER_ORG] }],
    ["one organization's own segments", { callerOrganizationIds: [ORG], organizationId: ORG, after: ["3P", 3000, ORG] as const }],
  ])("%s reads a few pages of rows, not the catalog", async (_, query) => {
    expect(await rowsRead({ ...query, limit: 26 })).toBeLessThan(4 * 26 * 2);
  });
});
