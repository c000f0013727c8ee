import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/db/database";
import { CHUNK_MEMBERS, LOAD_MEMBER_SKETCHES } from "../../src/db/sketches/load";
import { putSegmentSketch } from "../../src/db/sketches/segment-sketch";
import { decodeCompactThetaSketch, estimateGroupReach, summarizeSketch } from "../../src/sketch";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { seedSegments } from "../helpers/db";
import { ORG } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { sketchBytes } from "../sketch/theta-fixtures";

// 1,000 members, each a segment with one of the synthetic catalog's sketches (lg_k 10 and 12):
// the plan reads them in chunks and answers as the library does over the same sketches.
const NAMES = ["sports", "travel", "news", "gaming", "luxury", "auto", "tiny", "shoes", "books", "music", "universe"];
const MEMBERS = 1_000;
const FIRST_ID = 90_000;
const nameOf = (i: number) => NAMES[i % NAMES.length]!;

beforeAll(async () => {
  const ids = Array.from({ length: MEMBERS }, (_, i) => FIRST_ID + i);
  for (let i = 0; i < MEMBERS; i += 250) await seedSegments(ids.slice(i, i + 250).map((segment_id) => ({ segment_type: "3P" as const, segment_id })));
  const db = new Database(env.DB);
  for (const [i, segmentId] of ids.entries()) {
    const bytes = sketchBytes(nameOf(i));
    const summary = summarizeSketch(decodeCompactThetaSketch(bytes));
    await putSegmentSketch(db, { segmentType: "3P", segmentId }, { callerOrganizationIds: [], organizationId: null, mayWriteGlobal: true }, { bytes, summary, lgK: null, now: new Date().toISOString() });
  }
}, 120_000);

describe("GET /segment_groups/{id}/reach of a group of 1,000 members", () => {
  it("reads the sketches in chunks of at most 100 members and answers as the library over the same sketches", async () => {
    const segment_members = Array.from({ length: MEMBERS }, (_, i) => ({ segment_id: FIRST_ID + i, segment_type: "3P" as const }));
    const group = { subgroup_operator: "AND" as const, segment_subgroup: [{ segment_operator: "OR" as const, exclude: false, segment_members }] };
    const created = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: { name: "Everyone", type: "AUDIENCE", organization_id: ORG, status: true, ...group } });
    expect(created.status, describeResponse(created)).toBe(201);

    const { db, calls } = countingD1(env.DB);
    const res = await call("GET", `/segment_groups/${created.body.data.id}/reach`, { token: await tokenFor([ORG]), env: { DB: db } });
    expect(res.status, describeResponse(res)).toBe(200);
    // Every sketch here is under 26 KB, so the member bound cuts the chunks.
    expect(calls.flatMap((c) => c.sql).filter((sql) => sql === LOAD_MEMBER_SKETCHES)).toHaveLength(MEMBERS / CHUNK_MEMBERS);

    const expected = await estimateGroupReach(group, {
      member: async ({ segment_id }) => decodeCompactThetaSketch(sketchBytes(nameOf(segment_id - FIRST_ID))),
      universe: async () => undefined,
    });
    const figures = ({ estimate, lower_bound, upper_bound }: { estimate: number; lower_bound: number; upper_bound: number }) => ({ estimate, lower_bound, upper_bound });
    expect(res.body.data).toMatchObject({ ...figures(expected.group), segment_subgroup: [figures(expected.subgroups[0]!)] });
    // The union of every user: within the bounds of the 100,000 the synthetic catalog holds.
    expect(res.body.data.lower_bound).toBeLessThanOrEqual(100_000);
    expect(res.body.data.upper_bound).toBeGreaterThanOrEqual(100_000);
  }, 60_000);
});
