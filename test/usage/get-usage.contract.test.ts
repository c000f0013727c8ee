import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { callWithUsage } from "../helpers/d1-usage";
import { expectErrorLogs } from "../helpers/expected-logs";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

beforeAll(seedCatalog);

// What the counters must equal: the organization's rows, counted from scratch.
async function recount(org: number) {
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM segment_groups WHERE organization_id = ?1) AS groups,
       (SELECT count(*) FROM segments WHERE organization_id = ?1) AS segments,
       (SELECT count(*) FROM segment_group_changes WHERE organization_id = ?1) AS versions,
       (SELECT coalesce(sum(octet_length(subgroups)), 0) FROM segment_groups WHERE organization_id = ?1)
         + (SELECT coalesce(sum(octet_length(data)), 0) FROM segment_group_changes WHERE organization_id = ?1) AS stored_bytes`,
  ).bind(org).first();
  return { organization_id: org, ...row };
}

describe("GET /usage", () => {
  it("gives each of the token's organizations its groups, private segments, versions and bytes, as counted from its rows, with its quotas", async () => {
    const [busy, idle] = [850_001, 850_002];
    const token = await tokenFor([idle, busy]);
    const group = (await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: busy, name: "Ünïcode", segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] }) })).body.data;
    await call("PATCH", `/segment_groups/${group.id}`, { token, json: { segment_subgroup: [{ segment_operator: "AND", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }, { segment_id: 201, segment_type: "3P" }] }] }, headers: { "Content-Type": "application/merge-patch+json" } });
    await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: busy, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] }) });
    await call("PUT", "/segments/3P/850001", { token, json: { name: "mine", organization_id: busy } });
    await call("DELETE", `/segment_groups/${group.id}`, { token });

    const res = await call("GET", "/usage", { token });
    expect(res.status, describeResponse(res)).toBe(200);
    const quota = { groups: 10_000, segments: 100_000 };
    expect(res.body.data).toEqual([{ ...(await recount(busy)), quota }, { ...(await recount(idle)), quota }]);
    expect(res.body.data[0]).toMatchObject({ groups: 1, segments: 1, versions: 4 });
    expect(res.body.data[0].stored_bytes).toBeGreaterThan(0);
    expect(res.body.data[1]).toEqual({ organization_id: idle, groups: 0, segments: 0, versions: 0, stored_bytes: 0, quota });

    const one = await call("GET", `/usage?organization_id=${idle}`, { token, env: { QUOTA_GROUPS_PER_ORGANIZATION: "7" } });
    expect(one.body.data).toEqual([{ ...(await recount(idle)), quota: { groups: 7, segments: 100_000 } }]);
    const foreign = await call("GET", "/usage?organization_id=9999", { token });
    expect(foreign.status, describeResponse(foreign)).toBe(403);
    expect(errorsOf(foreign)).toEqual([{ code: "organization_forbidden", field: "organization_id" }]);
  });

  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("reads two rows per organization (its id and its counters), whatever it stores", async () => {
    const orgs = Array.from({ length: 50 }, (_, i) => 851_000 + i);
    const token = await tokenFor(orgs);
    for (const org of orgs.slice(0, 10)) await call("PUT", `/segments/3P/${org}`, { token, json: { name: "s", organization_id: org } });
    const { res, usage } = await callWithUsage("GET", "/usage", { token });
    expect(res.body.data).toHaveLength(50);
    expect(usage).toEqual({ d1_queries: 1, d1_rows_read: 2 * 50, d1_rows_written: 0 });
  });

  it("answers 500 configuration_error for an invalid quota or retention var, naming it in the log", async () => {
    const logs = expectErrorLogs();
    const token = await tokenFor([850_001]);
    for (const [name, value] of [["QUOTA_GROUPS_PER_ORGANIZATION", "0"], ["QUOTA_SEGMENTS_PER_ORGANIZATION", "10k"], ["HISTORY_RETENTION_DAYS", "-1"], ["HISTORY_KEEP_VERSIONS", "1.5"]]) {
      const res = await call("GET", "/usage", { token, env: { [name!]: value } });
      expect(res.status, describeResponse(res)).toBe(500);
      expect(errorsOf(res)).toEqual([{ code: "configuration_error" }]);
      expect(logs.lines().at(-1)).toMatchObject({ event: "configuration_error", message: expect.stringContaining(name!) });
    }
  });
});
