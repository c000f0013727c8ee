import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { callerTokens, checkProperty, expectNoServerError, FUZZ_TEST_TIMEOUT_MS, hostileJson, names, refusedWritesChangeNothing, reportFuzzCases } from "../helpers/fuzz";
import { createGroup } from "../helpers/segment-groups";

// Property-based tests of the segment group routes: any body gets a documented answer (call()
// checks it against the OpenAPI document), never a 5xx; a refused write changes no row; an
// accepted one reads back exactly as it was sent and answered.

let tokens: string[];
beforeAll(async () => {
  await seedCatalog();
  tokens = await callerTokens([ORG]);
});
const token = (i: number) => tokens[i % tokens.length]!;

// Accepted writes cost most (several times a refusal), so they are a minority of the cases;
// test/fuzz/ as a whole stays near 1,100 cases at a bounded cost.
const RUNS = { create: 160, update: 80, ids: 100, evaluate: 60 };

// Mostly segments the organization may use (global, ORG's); sometimes another organization's,
// a missing one, a type that does not match the id, or an invalid id.
const usable = fc.constantFrom(
  { segment_id: 101, segment_type: "CONTEXTUAL" },
  { segment_id: 102, segment_type: "CONTEXTUAL" },
  { segment_id: 103, segment_type: "CONTEXTUAL" },
  { segment_id: 201, segment_type: "3P" },
  { segment_id: 202, segment_type: "3P" },
  { segment_id: 301, segment_type: "3P" },
);
const unusable = fc.record({ segment_id: fc.constantFrom(101, 401, 99_999, 0, -3, 1.5), segment_type: fc.constantFrom("3P", "CONTEXTUAL") });
const member = fc.oneof({ weight: 12, arbitrary: usable }, { weight: 1, arbitrary: unusable });
const members = fc.oneof(
  { weight: 9, arbitrary: fc.uniqueArray(member, { minLength: 1, maxLength: 4, selector: (m) => `${m.segment_type}:${m.segment_id}` }) },
  { weight: 1, arbitrary: fc.array(member, { minLength: 1, maxLength: 4 }) },
);
const subgroup = fc.record({ segment_operator: fc.constantFrom("AND", "OR"), segment_members: members });
const groupFields = {
  name: names,
  type: fc.constantFrom("CONTEXTUAL", "AUDIENCE"),
  organization_id: fc.oneof({ weight: 12, arbitrary: fc.constant(ORG) }, fc.constantFrom(OTHER_ORG, 0, -1, 2 ** 53)),
  status: fc.boolean(),
  segment_subgroup: fc.array(subgroup, { minLength: 1, maxLength: 3 }),
};

/** Mostly well-formed bodies, some with a field missing, replaced by a hostile value or added. */
function bodies(fields: Record<string, fc.Arbitrary<unknown>>, requiredKeys: string[]) {
  const wellFormed = fc.record(fields, { requiredKeys });
  return fc.oneof(
    { weight: 8, arbitrary: wellFormed },
    {
      weight: 2,
      arbitrary: fc
        .tuple(wellFormed, fc.constantFrom(...Object.keys(fields), "id", "created_at", "extra"), hostileJson)
        .map(([body, key, value]) => ({ ...body, [key]: value })),
    },
    { weight: 1, arbitrary: hostileJson },
  );
}

describe("segment groups, property-based", () => {
  it("POST /segment_groups: documented answers only; accepted groups read back as sent", async () => {
    const property = fc.asyncProperty(bodies(groupFields, Object.keys(groupFields)), fc.nat(), async (body, caller) => {
      const res = await refusedWritesChangeNothing("POST", () => call("POST", "/segment_groups", { token: token(caller), json: body }));
      if (res.status !== 201) return;
      // Every field sent is stored as sent; fields not sent come back with their defaults.
      expect(res.body.data).toMatchObject(body as object);
      const read = await call("GET", `/segment_groups/${res.body.data.id}`, { token: token(caller) });
      expect(read.body.data, describeResponse(read)).toEqual(res.body.data);
    });
    await checkProperty("create", property, RUNS.create);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("PATCH /segment_groups/{id}: documented answers only; accepted changes read back", async () => {
    const group = (await createGroup()).body.data;
    const patchFields = { ...groupFields, organization_id: fc.oneof({ weight: 6, arbitrary: fc.constant(ORG) }, fc.constant(OTHER_ORG)) };
    // Mostly no If-Match; otherwise a value that matches nothing (a stale or malformed ETag) or anything (*).
    const headers = fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, fc.constantFrom('"stale"', "*", 'W/"x"', "garbage", ""));
    const property = fc.asyncProperty(bodies(patchFields, []), headers, fc.nat(), async (body, ifMatch, caller) => {
      const res = await refusedWritesChangeNothing("PATCH", () =>
        call("PATCH", `/segment_groups/${group.id}`, { token: token(caller), json: body, headers: ifMatch === undefined ? {} : { "If-Match": ifMatch } }),
      );
      if (res.status !== 200) return;
      expect(res.body.data).toMatchObject(body as object);
      const read = await call("GET", `/segment_groups/${group.id}`, { token: token(caller) });
      expect(read.body.data, describeResponse(read)).toEqual(res.body.data);
    });
    await checkProperty("update", property, RUNS.update);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("any text as a group id, on GET, PATCH and DELETE: documented answers only", async () => {
    const ids = fc.oneof(fc.uuid(), fc.string({ unit: "binary", minLength: 1, maxLength: 50 }), fc.constantFrom("..", "%00", "%2F", "a".repeat(2000)));
    const property = fc.asyncProperty(ids, fc.constantFrom("GET", "PATCH", "DELETE"), fc.nat(), async (id, method, caller) => {
      const path = `/segment_groups/${encodeURIComponent(id)}`;
      await refusedWritesChangeNothing(method, () => call(method, path, { token: token(caller), json: method === "PATCH" ? { name: "x" } : undefined }));
    });
    await checkProperty("group ids", property, RUNS.ids);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("POST /segment_groups/{id}/evaluate: documented answers only, and it writes nothing", async () => {
    const group = (await createGroup()).body.data;
    const property = fc.asyncProperty(bodies({ segments: fc.array(member, { maxLength: 6 }) }, ["segments"]), fc.nat(), async (body, caller) => {
      const before = await snapshotTables();
      const res = await call("POST", `/segment_groups/${group.id}/evaluate`, { token: token(caller), json: body });
      expectNoServerError(res);
      expect(await snapshotTables(), describeResponse(res)).toEqual(before);
    });
    await checkProperty("evaluate", property, RUNS.evaluate);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("reports the cases run", () => reportFuzzCases("test/fuzz/segment-groups.fuzz.test.ts"));
});
