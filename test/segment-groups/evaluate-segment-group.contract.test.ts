import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { seedSegments } from "../helpers/db";
import { member, ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { createGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

async function evaluate(id: string, json: unknown, options: { organizations?: number[]; db?: D1Database } = {}) {
  return call("POST", `/segment_groups/${id}/evaluate`, {
    token: await tokenFor(options.organizations ?? [ORG]),
    json,
    env: options.db ? { DB: options.db } : undefined,
  });
}

const segments = (...keys: string[]) => ({
  segments: keys.map((key) => {
    const [type, id] = key.split(":");
    return member(Number(id), type);
  }),
});

/** docs/api.md "Group logic", examples 1–3. */
const examples = {
  runnersNotLoyal: {
    subgroup_operator: "AND",
    segment_subgroup: [
      { segment_operator: "AND", segment_members: [member(101), member(201, "3P")] },
      { segment_operator: "OR", exclude: true, segment_members: [member(301, "3P")] },
    ],
  },
  travellersOrSporty: {
    subgroup_operator: "OR",
    segment_subgroup: [
      { segment_operator: "AND", segment_members: [member(102), member(202, "3P")] },
      { segment_operator: "OR", segment_members: [member(101), member(201, "3P")] },
    ],
  },
  flyersOrNotAutomotive: {
    subgroup_operator: "OR",
    segment_subgroup: [
      { segment_operator: "OR", segment_members: [member(202, "3P")] },
      { segment_operator: "OR", exclude: true, segment_members: [member(103)] },
    ],
  },
};

describe("POST /segment_groups/{id}/evaluate", () => {
  it("answers whether the group matches, and each subgroup's own match (before exclude)", async () => {
    const cases: [keyof typeof examples, string[], boolean, boolean[]][] = [
      ["runnersNotLoyal", ["CONTEXTUAL:101", "3P:201"], true, [true, false]],
      ["runnersNotLoyal", ["CONTEXTUAL:101", "3P:201", "3P:301"], false, [true, true]],
      ["runnersNotLoyal", ["CONTEXTUAL:101"], false, [false, false]],
      ["travellersOrSporty", ["3P:201"], true, [false, true]],
      ["travellersOrSporty", ["CONTEXTUAL:102"], false, [false, false]],
      ["flyersOrNotAutomotive", [], true, [false, false]],
      ["flyersOrNotAutomotive", ["CONTEXTUAL:103"], false, [false, true]],
    ];
    const ids: Record<string, string> = {};
    for (const [name] of cases) ids[name] ??= (await createGroup(examples[name])).body.data.id;
    for (const [name, user, matched, subgroups] of cases) {
      const res = await evaluate(ids[name]!, segments(...user));
      expect(res.status, describeResponse(res)).toBe(200);
      expect(res.body, `${name} for ${user.join(", ")}`).toEqual({
        data: { matched, subgroups: subgroups.map((m) => ({ matched: m })) },
        meta: { status: "success", request_id: expect.any(String) },
      });
    }
  });

  it("takes repeats and segments the catalog lacks as they are: a set, where unknown segments match nothing", async () => {
    const { id } = (await createGroup(examples.runnersNotLoyal)).body.data;
    const res = await evaluate(id, segments("CONTEXTUAL:101", "3P:201", "CONTEXTUAL:101", "3P:999999"));
    expect(res.body.data, describeResponse(res)).toEqual({ matched: true, subgroups: [{ matched: true }, { matched: false }] });
  });

  it("reads the group with ONE D1 query, even for 5,000 members against 10,000 user segments", async () => {
    const catalog = Array.from({ length: 5000 }, (_, i) => ({ segment_type: "CONTEXTUAL" as const, segment_id: 50_000 + i }));
    for (let i = 0; i < catalog.length; i += 500) await seedSegments(catalog.slice(i, i + 500));
    const { id } = (
      await createGroup({
        segment_subgroup: Array.from({ length: 5 }, (_, s) => ({
          segment_operator: "AND",
          segment_members: catalog.slice(s * 1000, (s + 1) * 1000).map((c) => member(c.segment_id)),
        })),
      })
    ).body.data;
    // Every member but the last one's, plus 5,001 others: subgroups 1–4 match, 5 does not.
    const user = [...catalog.slice(0, 4999), ...Array.from({ length: 5001 }, (_, i) => ({ segment_type: "3P", segment_id: 1_000_000 + i }))];
    const { db, calls } = countingD1(env.DB);
    const res = await evaluate(id, { segments: user.map((s) => member(s.segment_id, s.segment_type)) }, { db });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toEqual({ matched: false, subgroups: [true, true, true, true, false].map((matched) => ({ matched })) });
    expect(calls.map(({ kind, statements }) => ({ kind, statements }))).toEqual([{ kind: "all", statements: 1 }]);
    expect(calls[0]!.sql[0]).toMatch(/^SELECT/);
  });

  it("404 segment_group_not_found for a group that does not exist or is another organization's", async () => {
    const { id } = (await createGroup()).body.data;
    for (const [groupId, organizations] of [["00000000-0000-7000-8000-000000000000", [ORG]], [id, [OTHER_ORG]]] as const) {
      const res = await evaluate(groupId, segments("CONTEXTUAL:101"), { organizations: [...organizations] });
      expect(res.status, describeResponse(res)).toBe(404);
      expect(errorsOf(res)).toEqual([{ code: "segment_group_not_found" }]);
    }
  });

  it("400 for every problem in the body at once, each with its path", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await evaluate(id, {
      segments: [member(101), member(0), member(1.5, "3P"), member(7, "OTHER"), { segment_id: 1 }, { ...member(5), extra: true }],
      other: 1,
    });
    expect(res.status, describeResponse(res)).toBe(400);
    expect(errorsOf(res)).toEqual([
      { code: "too_small", field: "segments[1].segment_id" },
      { code: "invalid_type", field: "segments[2].segment_id" },
      { code: "invalid_value", field: "segments[3].segment_type" },
      { code: "required", field: "segments[4].segment_type" },
      { code: "unknown_field", field: "segments[5].extra" },
      { code: "unknown_field", field: "other" },
    ]);
  });

  it("400 for a missing list, more than 10,000 segments, or a malformed id", async () => {
    const { id } = (await createGroup()).body.data;
    expect(errorsOf(await evaluate(id, {}))).toEqual([{ code: "required", field: "segments" }]);
    const tooMany = { segments: Array.from({ length: 10_001 }, (_, i) => member(i + 1)) };
    expect(errorsOf(await evaluate(id, tooMany))).toEqual([{ code: "too_long", field: "segments" }]);
    expect(errorsOf(await evaluate("not-a-uuid", segments()))).toEqual([{ code: "invalid_value", field: "id" }]);
  });
});
