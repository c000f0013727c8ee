import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { seedBulkCatalog, subgroupsWith } from "../helpers/large-groups";
import { seedGroups } from "../helpers/seed-groups";
import { statementResult } from "../helpers/seed-events";
import { tokenFor } from "../helpers/tokens";

const ORG = 910_001;
const GROUPS = 101;
const MEMBERS = 1000;

beforeAll(async () => {
  await seedBulkCatalog(MEMBERS);
  for (let start = 0; start < GROUPS; start += 20) {
    const batch = Array.from({ length: Math.min(20, GROUPS - start) }, (_, i) => ({
      organization_id: ORG,
      created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, start + i)).toISOString(),
      segment_subgroup: subgroupsWith(MEMBERS) as never,
    }));
    await seedGroups(batch);
  }
});

describe("GET /segment_groups — what a page costs", () => {
  it("sends from D1 only the documents of the groups the page keeps (1,000-member groups, limit=100)", async () => {
    const token = await tokenFor([ORG]);
    const { db, calls } = countingD1(env.DB);
    const res = await call("GET", `/segment_groups?organization_id=${ORG}&limit=100`, { token, env: { DB: db } });
    expect(res.status, describeResponse(res)).toBe(200);
    // 10 groups of 1,000 members fill the 10,000-member budget.
    expect(res.body.data).toHaveLength(10);
    expect(res.body.meta.has_more).toBe(true);

    const page = statementResult(calls, "FROM segment_groups WHERE");
    const { document } = (await env.DB.prepare("SELECT octet_length(subgroups) AS document FROM segment_groups WHERE organization_id = ? LIMIT 1").bind(ORG).first<{ document: number }>())!;
    console.info(`list page of ${MEMBERS}-member groups: ${page.rows} rows returned, ${page.rowsRead} rows read, ${page.bytes} bytes from D1 (a document: ${document})`);
    // The 101 candidates come back (their other columns, a few hundred bytes each), but with a
    // document only for the 10 groups the page keeps: not 101 documents.
    expect(page.rows).toBe(101);
    expect(page.bytes).toBeGreaterThan(10 * document);
    expect(page.bytes).toBeLessThan(10 * document + 101 * 1000);
    // The 101 rows, and about twice that for the running sum of members.
    expect(page.rowsRead).toBeLessThanOrEqual(3 * 101 + 2);
  });
});
