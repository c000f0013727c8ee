import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { seedSegments } from "../helpers/db";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

beforeAll(seedCatalog);

const ORG_A = 930_001;
const ORG_B = 930_002;
const logic = { segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] };

beforeAll(async () => {
  for (const org of [ORG_A, ORG_B]) {
    for (const [i, type] of ["CONTEXTUAL", "AUDIENCE", "CONTEXTUAL"].entries()) {
      const res = await call("POST", "/segment_groups", { token: await tokenFor([org]), json: validGroup({ organization_id: org, name: `g${i}`, type, ...logic }) });
      expect(res.status, describeResponse(res)).toBe(201);
    }
  }
  await seedSegments(Array.from({ length: 4 }, (_, i) => ({ segment_type: "3P" as const, segment_id: 93_000 + i, organization_id: ORG_A })));
});

/** The next_cursor of `path`'s first page (limit=1), read with `token`. */
async function cursorOf(path: string, token: string, field = "next_cursor"): Promise<string> {
  const res = await call("GET", `${path}${path.includes("?") ? "&" : "?"}limit=1`, { token });
  expect(res.status, describeResponse(res)).toBe(200);
  return res.body.meta[field];
}

// Every paged route: a cursor continues only the listing it was issued for.
describe("a cursor is bound to the filters it was issued under", () => {
  it("GET /segment_groups: 400 invalid_value on cursor under another filter or organization set; the same filters continue", async () => {
    const token = await tokenFor([ORG_A, ORG_B]);
    const cursor = await cursorOf(`/segment_groups?organization_id=${ORG_A}&type=CONTEXTUAL`, token);
    expect((await call("GET", `/segment_groups?organization_id=${ORG_A}&type=CONTEXTUAL&cursor=${cursor}`, { token })).status).toBe(200);
    // Parameters in another order are the same filters.
    expect((await call("GET", `/segment_groups?type=CONTEXTUAL&cursor=${cursor}&organization_id=${ORG_A}`, { token })).status).toBe(200);
    for (const other of [`organization_id=${ORG_B}&type=CONTEXTUAL`, `organization_id=${ORG_A}`, `organization_id=${ORG_A}&type=AUDIENCE`, `organization_id=${ORG_A}&type=CONTEXTUAL&q=g`, "type=CONTEXTUAL"]) {
      const res = await call("GET", `/segment_groups?${other}&cursor=${cursor}`, { token });
      expect(res.status, `${other}: ${describeResponse(res)}`).toBe(400);
      expect(errorsOf(res)).toEqual([{ code: "invalid_value", field: "cursor" }]);
    }
    // Without organization_id, the token's organizations are the filter.
    const all = await cursorOf("/segment_groups", token);
    expect((await call("GET", `/segment_groups?cursor=${all}`, { token: await tokenFor([ORG_B, ORG_A]) })).status).toBe(200);
    expect(errorsOf(await call("GET", `/segment_groups?cursor=${all}`, { token: await tokenFor([ORG_A]) }))).toEqual([{ code: "invalid_value", field: "cursor" }]);
  });

  it("GET /segments: 400 invalid_value on cursor under another filter", async () => {
    const token = await tokenFor([ORG_A]);
    const cursor = await cursorOf(`/segments?organization_id=${ORG_A}`, token);
    expect((await call("GET", `/segments?organization_id=${ORG_A}&cursor=${cursor}`, { token })).status).toBe(200);
    for (const other of ["", "type=3P&", `organization_id=${ORG_A}&q=x&`]) {
      expect(errorsOf(await call("GET", `/segments?${other}cursor=${cursor}`, { token })), other).toEqual([{ code: "invalid_value", field: "cursor" }]);
    }
  });

  it("GET /segment_groups/{id}/versions: 400 invalid_value on another group's cursor", async () => {
    const token = await tokenFor([ORG_A]);
    const [one, two] = (await call("GET", `/segment_groups?organization_id=${ORG_A}`, { token })).body.data.map((g: { id: string }) => g.id);
    for (const id of [one, two]) expect((await call("PATCH", `/segment_groups/${id}`, { token, json: { name: "renamed" } })).status).toBe(200);
    const cursor = await cursorOf(`/segment_groups/${one}/versions`, token);
    expect((await call("GET", `/segment_groups/${one}/versions?cursor=${cursor}`, { token })).status).toBe(200);
    expect(errorsOf(await call("GET", `/segment_groups/${two}/versions?cursor=${cursor}`, { token }))).toEqual([{ code: "invalid_value", field: "cursor" }]);
  });

  it("GET /segment_groups/changes: 400 invalid_value on after under another organization_id", async () => {
    const token = await tokenFor([ORG_A, ORG_B]);
    const mine = await cursorOf(`/segment_groups/changes?organization_id=${ORG_A}`, token);
    expect((await call("GET", `/segment_groups/changes?organization_id=${ORG_A}&after=${mine}`, { token })).status).toBe(200);
    for (const other of [`organization_id=${ORG_B}&`, ""]) {
      expect(errorsOf(await call("GET", `/segment_groups/changes?${other}after=${mine}`, { token })), other).toEqual([{ code: "invalid_value", field: "after" }]);
    }
    const all = await cursorOf("/segment_groups/changes", token);
    expect(errorsOf(await call("GET", `/segment_groups/changes?organization_id=${ORG_A}&after=${all}`, { token }))).toEqual([{ code: "invalid_value", field: "after" }]);
    // The list's changes_cursor is bound the same way: the list's organization_id, or the token's organizations.
    const fromList = await cursorOf(`/segment_groups?organization_id=${ORG_A}&type=AUDIENCE`, token, "changes_cursor");
    expect((await call("GET", `/segment_groups/changes?organization_id=${ORG_A}&after=${fromList}`, { token })).status).toBe(200);
  });
});

describe("a feed cursor and the token's organizations", () => {
  it("answers 410 cursor_expired when the token gained an organization, instead of skipping its past events", async () => {
    const before = await tokenFor([ORG_A]);
    const caughtUp = await call("GET", "/segment_groups/changes?limit=1000", { token: before });
    expect(caughtUp.body.meta.has_more).toBe(false);
    // ORG_B's groups were created before this cursor: following it would never show them.
    const gained = await call("GET", `/segment_groups/changes?after=${caughtUp.body.meta.next_cursor}`, { token: await tokenFor([ORG_A, ORG_B]) });
    expect(gained.status, describeResponse(gained)).toBe(410);
    expect(errorsOf(gained)).toEqual([{ code: "cursor_expired", field: "after" }]);
    // Reloading as documented: the list, then the feed from its changes_cursor.
    const both = await tokenFor([ORG_A, ORG_B]);
    const list = await call("GET", "/segment_groups?limit=100", { token: both });
    expect(new Set(list.body.data.map((g: { organization_id: number }) => g.organization_id))).toEqual(new Set([ORG_A, ORG_B]));
    expect((await call("GET", `/segment_groups/changes?after=${list.body.meta.changes_cursor}`, { token: both })).status).toBe(200);
  });

  it("answers 410 as well when it lost one (a cursor cannot tell which), and never with organization_id", async () => {
    const both = await tokenFor([ORG_A, ORG_B]);
    const cursor = await cursorOf("/segment_groups/changes", both);
    const lost = await call("GET", `/segment_groups/changes?after=${cursor}`, { token: await tokenFor([ORG_A]) });
    expect(lost.status, describeResponse(lost)).toBe(410);
    expect(errorsOf(lost)).toEqual([{ code: "cursor_expired", field: "after" }]);
    // A cursor of one organization keeps working for every token that still holds it.
    const one = await cursorOf(`/segment_groups/changes?organization_id=${ORG_A}`, both);
    expect((await call("GET", `/segment_groups/changes?organization_id=${ORG_A}&after=${one}`, { token: await tokenFor([ORG_A]) })).status).toBe(200);
  });
});
