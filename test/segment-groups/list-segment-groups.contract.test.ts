import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { member, seedCatalog, validGroup } from "../helpers/fixtures";
import { newestFirst, seedGroups, type ApiGroup } from "../helpers/seed-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

// Storage lasts for the whole file, so each test lists organizations of its own.
let lastOrg = 50_000;
const freshOrg = () => ++lastOrg;

const globalSubgroups = (...members: [number, "CONTEXTUAL" | "3P"][]) => [
  { segment_operator: "AND", segment_members: members.map(([segment_id, segment_type]) => ({ segment_id, segment_type })) },
];

async function createGroup(org: number, overrides: Record<string, unknown> = {}) {
  const body = validGroup({ organization_id: org, segment_subgroup: globalSubgroups([101, "CONTEXTUAL"], [201, "3P"]), ...overrides });
  const res = await call("POST", "/segment_groups", { token: await tokenFor([org]), json: body });
  expect(res.status, describeResponse(res)).toBe(201);
  return res.body.data as ApiGroup;
}

async function list(query: string, organizations: number[]) {
  const res = await call("GET", `/segment_groups${query}`, { token: await tokenFor(organizations) });
  expect(res.status, describeResponse(res)).toBe(200);
  return res;
}

const ids = (groups: { id: string }[]) => groups.map((g) => g.id);

describe("GET /segment_groups — items", () => {
  it("lists each group exactly as GET /segment_groups/{id} returns it, newest first", async () => {
    const org = freshOrg();
    const created = [
      await createGroup(org, { name: "First", type: "AUDIENCE", status: false }),
      await createGroup(org, { segment_subgroup: [...globalSubgroups([103, "CONTEXTUAL"]), { segment_operator: "OR", segment_members: [{ segment_id: 202, segment_type: "3P" }, { segment_id: 102, segment_type: "CONTEXTUAL" }] }] }),
      await createGroup(org, { name: "Third" }),
    ];
    const res = await list("", [org]);
    expect(ids(res.body.data)).toEqual(ids([...created].sort(newestFirst)));
    for (const item of res.body.data) {
      const one = await call("GET", `/segment_groups/${item.id}`, { token: await tokenFor([org]) });
      expect(item).toEqual(one.body.data);
      expect(Object.keys(item)).toEqual(Object.keys(one.body.data));
    }
    expect(res.body.meta).toEqual({ status: "success", request_id: expect.any(String), next_cursor: null, has_more: false, changes_cursor: expect.any(String) });
  });

  it("answers an empty page, not an error, when nothing matches or the token names no organization", async () => {
    const empty = { data: [], meta: { status: "success", request_id: expect.any(String), next_cursor: null, has_more: false, changes_cursor: expect.any(String) } };
    expect((await list("", [freshOrg()])).body).toEqual(empty);
    expect((await list("", [])).body).toEqual(empty);
  });
});

describe("GET /segment_groups — organizations", () => {
  it("never shows another organization's groups, and shows every organization the token holds", async () => {
    const [a, b, c] = [freshOrg(), freshOrg(), freshOrg()];
    const groups = await seedGroups(
      Array.from({ length: 12 }, (_, i) => ({ organization_id: [a, b, c][i % 3]!, created_at: `2025-03-01T00:00:${String(i).padStart(2, "0")}.000Z` })),
    );
    const of = (...orgs: number[]) => ids(groups.filter((g) => orgs.includes(g.organization_id)).sort(newestFirst));

    expect(ids((await list("", [a])).body.data)).toEqual(of(a));
    expect(ids((await list("", [a, b])).body.data)).toEqual(of(a, b));
    expect(ids((await list(`?organization_id=${b}`, [a, b])).body.data)).toEqual(of(b));
  });

  it("403 organization_forbidden on organization_id when the token lacks that organization", async () => {
    const [mine, theirs] = [freshOrg(), freshOrg()];
    await seedGroups([{ organization_id: theirs, created_at: "2025-03-01T00:00:00.000Z" }]);
    const res = await call("GET", `/segment_groups?organization_id=${theirs}`, { token: await tokenFor([mine]) });
    expect(res.status, describeResponse(res)).toBe(403);
    expect(res.body.errors).toEqual([{ code: "organization_forbidden", field: "organization_id", message: expect.any(String) }]);
  });
});

describe("GET /segment_groups — filters", () => {
  let org: number;
  let other: number;
  let groups: ApiGroup[];

  beforeEach(async () => {
    [org, other] = [freshOrg(), freshOrg()];
    const at = (s: number) => `2025-04-01T00:00:${String(s).padStart(2, "0")}.000Z`;
    groups = await seedGroups([
      { organization_id: org, created_at: at(1), name: "Runners", type: "CONTEXTUAL", status: true, segment_subgroup: [{ segment_operator: "AND", segment_members: [member(201, "3P")] }] },
      // Uses 3P 201 in two subgroups: listed once by the segment filter.
      { organization_id: org, created_at: at(2), name: "Trail RUNNERS", type: "AUDIENCE", status: true, segment_subgroup: [
        { segment_operator: "AND", segment_members: [member(101, "CONTEXTUAL"), member(201, "3P")] },
        { segment_operator: "OR", segment_members: [member(201, "3P")] },
      ] },
      { organization_id: org, created_at: at(3), name: "Travellers", type: "AUDIENCE", status: false, segment_subgroup: [{ segment_operator: "OR", segment_members: [member(102, "CONTEXTUAL"), member(202, "3P")] }] },
      { organization_id: org, created_at: at(4), name: "Night runners", type: "CONTEXTUAL", status: false, segment_subgroup: [{ segment_operator: "OR", segment_members: [member(101, "CONTEXTUAL")] }] },
      // Another organization's group matches every filter and must never show.
      { organization_id: other, created_at: at(5), name: "Runners", type: "CONTEXTUAL", status: true, segment_subgroup: [{ segment_operator: "AND", segment_members: [member(201, "3P")] }] },
    ]);
  });

  const expectFilter = async (query: string, keep: (g: ApiGroup) => boolean) => {
    const res = await list(`?${query}`, [org]);
    const expected = groups.filter((g) => g.organization_id === org && keep(g)).sort(newestFirst);
    expect(expected.length, `the fixture leaves something to find for ${query}`).toBeGreaterThan(0);
    expect(expected.length, `the fixture leaves something out for ${query}`).toBeLessThan(4);
    expect(res.body.data, query).toEqual(expected);
  };
  const uses = (g: ApiGroup, type: string, id: number) =>
    g.segment_subgroup.some((s) => s.segment_members.some((m) => m.segment_type === type && m.segment_id === id));

  it("type", async () => {
    await expectFilter("type=AUDIENCE", (g) => g.type === "AUDIENCE");
    await expectFilter("type=CONTEXTUAL", (g) => g.type === "CONTEXTUAL");
  });

  it("status", async () => {
    await expectFilter("status=true", (g) => g.status);
    await expectFilter("status=false", (g) => !g.status);
  });

  it("q: case-insensitive substring of the name", async () => {
    await expectFilter("q=RUNNERS", (g) => g.name.toLowerCase().includes("runners"));
    await expectFilter("q=trail%20r", (g) => g.name === "Trail RUNNERS");
    await expectFilter("q=el", (g) => g.name === "Travellers");
  });

  it("segment: every group that uses the segment in any subgroup, each once", async () => {
    await expectFilter("segment=3P:201", (g) => uses(g, "3P", 201));
    await expectFilter("segment=CONTEXTUAL:101", (g) => uses(g, "CONTEXTUAL", 101));
    await expectFilter("segment=3P:202", (g) => uses(g, "3P", 202));
  });

  it("segment: a segment no group of the organization uses gives an empty page", async () => {
    expect((await list("?segment=CONTEXTUAL:103", [org])).body.data).toEqual([]);
    expect((await list("?segment=3P:424242", [org])).body.data).toEqual([]);
  });

  it("filters combine (AND)", async () => {
    await expectFilter("type=AUDIENCE&status=true", (g) => g.type === "AUDIENCE" && g.status);
    await expectFilter("q=runners&status=false", (g) => g.name === "Night runners");
    await expectFilter("segment=CONTEXTUAL:101&type=CONTEXTUAL", (g) => g.name === "Night runners");
    await expectFilter(`organization_id=${org}&segment=3P:201&q=trail&type=AUDIENCE&status=true`, (g) => g.name === "Trail RUNNERS");
    expect((await list("?segment=3P:202&status=true", [org])).body.data).toEqual([]);
  });
});

describe("GET /segment_groups — name search", () => {
  it("folds Unicode case: ÉLAN finds élan and Élan", async () => {
    const org = freshOrg();
    const names = ["élan vital", "Grand ÉLAN", "Elan without accent", "ﬁnd the ligature"];
    for (const name of names) await createGroup(org, { name });
    const found = async (q: string) => (await list(`?q=${encodeURIComponent(q)}`, [org])).body.data.map((g: ApiGroup) => g.name).sort();
    expect(await found("ÉLAN")).toEqual(["Grand ÉLAN", "élan vital"]);
    expect(await found("élan")).toEqual(["Grand ÉLAN", "élan vital"]);
    // NFKC: the "ﬁ" ligature is stored as "fi".
    expect(await found("FIND")).toEqual(["ﬁnd the ligature"]);
  });

  it("treats % and _ as plain characters, not LIKE wildcards", async () => {
    const org = freshOrg();
    for (const name of ["50% off", "5000 off", "snake_case", "snakeXcase"]) await createGroup(org, { name });
    const found = async (q: string) => (await list(`?q=${encodeURIComponent(q)}`, [org])).body.data.map((g: ApiGroup) => g.name).sort();
    expect(await found("%")).toEqual(["50% off"]);
    expect(await found("50%")).toEqual(["50% off"]);
    expect(await found("_")).toEqual(["snake_case"]);
    expect(await found("snake_case")).toEqual(["snake_case"]);
    expect(await found("e_c")).toEqual(["snake_case"]);
  });
});
