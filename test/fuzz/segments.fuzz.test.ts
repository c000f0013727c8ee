import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { callerTokens, checkProperty, FUZZ_TEST_TIMEOUT_MS, hostileJson, names, refusedWritesChangeNothing, reportFuzzCases } from "../helpers/fuzz";

// Property-based tests of the catalog routes: documented answers only (call() checks them
// against the OpenAPI document), never a 5xx, refused writes change no row, and what was
// accepted reads back as it was answered.

let tokens: string[];
beforeAll(async () => {
  await seedCatalog();
  tokens = await callerTokens([ORG]);
});
const token = (i: number) => tokens[i % tokens.length]!;

const RUNS = { put: 120, bulk: 80, paths: 70 };

const segmentType = fc.oneof({ weight: 5, arbitrary: fc.constantFrom("CONTEXTUAL", "3P") }, fc.constantFrom("3p", "", "AUDIENCE"));
// Ids that exist (global, ORG's, OTHER_ORG's) and new ones, in a small range so writes collide.
const segmentId = fc.oneof({ weight: 5, arbitrary: fc.oneof(fc.constantFrom(101, 201, 301, 401), fc.integer({ min: 8000, max: 8030 })) }, fc.constantFrom(0, -1, 1.5, 2 ** 53));
const owner = fc.option(fc.oneof({ weight: 4, arbitrary: fc.constant(ORG) }, fc.constant(OTHER_ORG)), { nil: undefined, freq: 3 });
const ownerOrNull = fc.oneof(owner, fc.constant(null));

/** Mostly well-formed objects, some with a field replaced by a hostile value, some not objects at all. */
function bodies(fields: Record<string, fc.Arbitrary<unknown>>, requiredKeys: string[]) {
  const wellFormed = fc.record(fields, { requiredKeys });
  return fc.oneof(
    { weight: 5, arbitrary: wellFormed },
    { weight: 2, arbitrary: fc.tuple(wellFormed, fc.constantFrom(...Object.keys(fields), "extra"), hostileJson).map(([b, k, v]) => ({ ...b, [k]: v })) },
    { weight: 1, arbitrary: hostileJson },
  );
}

const storedFields = ({ created_at: _c, updated_at: _u, ...rest }: Record<string, unknown>) => rest;

describe("catalog segments, property-based", () => {
  it("PUT /segments/{type}/{id}: documented answers only; accepted segments read back", async () => {
    const body = bodies({ name: names, organization_id: ownerOrNull }, ["name"]);
    const property = fc.asyncProperty(segmentType, segmentId, body, fc.nat(), async (type, id, json, caller) => {
      const path = `/segments/${encodeURIComponent(type)}/${encodeURIComponent(String(id))}`;
      const res = await refusedWritesChangeNothing("PUT", () => call("PUT", path, { token: token(caller), json }));
      if (res.status !== 200 && res.status !== 201) return;
      const sent = json as { name: string; organization_id?: number | null };
      expect(storedFields(res.body.data)).toEqual({ segment_type: type, segment_id: id, name: sent.name, organization_id: sent.organization_id ?? null });
      const read = await call("GET", path, { token: token(caller) });
      expect(read.body.data, describeResponse(read)).toEqual(res.body.data);
    });
    await checkProperty("put segment", property, RUNS.put);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("POST /segments/bulk: documented answers only; accepted items read back", async () => {
    const item = bodies({ segment_type: segmentType, segment_id: segmentId, name: names, organization_id: ownerOrNull }, ["segment_type", "segment_id", "name"]);
    const body = bodies({ items: fc.array(item, { minLength: 0, maxLength: 5 }) }, ["items"]);
    const property = fc.asyncProperty(body, fc.nat(), async (json, caller) => {
      const res = await refusedWritesChangeNothing("POST", () => call("POST", "/segments/bulk", { token: token(caller), json }));
      if (res.status !== 200) return;
      for (const stored of res.body.data as { segment_type: string; segment_id: number }[]) {
        const read = await call("GET", `/segments/${stored.segment_type}/${stored.segment_id}`, { token: token(caller) });
        expect(read.body.data, describeResponse(read)).toEqual(stored);
      }
    });
    await checkProperty("bulk upsert", property, RUNS.bulk);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("any text as a segment's type and id, on GET and DELETE: documented answers only", async () => {
    const text = fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 30 }), fc.constantFrom("..", "%2F", "01", "+1", "1e3", "9".repeat(40)));
    const property = fc.asyncProperty(fc.oneof(segmentType, text), fc.oneof(segmentId.map(String), text), fc.constantFrom("GET", "DELETE"), fc.nat(), async (type, id, method, caller) => {
      await refusedWritesChangeNothing(method, () => call(method, `/segments/${encodeURIComponent(type)}/${encodeURIComponent(id)}`, { token: token(caller) }));
    });
    await checkProperty("segment paths", property, RUNS.paths);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("reports the cases run", () => reportFuzzCases("test/fuzz/segments.fuzz.test.ts"));
});
