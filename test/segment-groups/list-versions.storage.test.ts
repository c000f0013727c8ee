import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_DATA_PER_PAGE } from "../../src/db/segment-groups/changes";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { validGroup } from "../helpers/fixtures";
import { seedBulkCatalog, subgroupsWith } from "../helpers/large-groups";
import { copyEvents, statementResult } from "../helpers/seed-events";
import { tokenFor } from "../helpers/tokens";

describe("GET /segment_groups/{id}/versions — what a page costs", () => {
  it("sends from D1 only the copies the page keeps (a 5,000-member group, limit=40)", async () => {
    await seedBulkCatalog(5000);
    const org = 890_001;
    const token = await tokenFor([org]);
    const created = await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: org, segment_subgroup: subgroupsWith(5000) }) });
    expect(created.status, describeResponse(created)).toBe(201);
    const id = created.body.data.id;
    await copyEvents(id, 60, org);
    const { copy } = (await env.DB.prepare("SELECT octet_length(data) AS copy FROM segment_group_changes WHERE group_id = ? LIMIT 1").bind(id).first<{ copy: number }>())!;

    const { db, calls } = countingD1(env.DB);
    const res = await call("GET", `/segment_groups/${id}/versions?limit=40`, { token, env: { DB: db } });
    expect(res.status, describeResponse(res)).toBe(200);
    const kept = Math.floor(MAX_DATA_PER_PAGE / copy);
    expect(res.body.data).toHaveLength(kept);
    expect(res.body.meta.has_more).toBe(true);

    const page = statementResult(calls, "FROM segment_group_changes WHERE group_id");
    console.info(`versions page of a 5000-member group: ${res.body.data.length} versions, ${page.rows} rows returned, ${page.rowsRead} rows read, ${page.bytes} bytes from D1`);
    expect(page.rows).toBe(41);
    expect(page.bytes).toBeGreaterThan(kept * copy);
    expect(page.bytes).toBeLessThan((kept + 1) * copy);
    expect(page.rowsRead).toBeLessThanOrEqual(3 * 41 + 3);
  });
});
