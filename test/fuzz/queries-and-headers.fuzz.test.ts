import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { call } from "../helpers/api";
import { ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { callerTokens, checkProperty, expectNoServerError, FUZZ_TEST_TIMEOUT_MS, refusedWritesChangeNothing, reportFuzzCases } from "../helpers/fuzz";
import { createGroup } from "../helpers/segment-groups";

// Property-based tests of what is not a body: query strings of both listings, and the headers
// every route reads (Authorization, Content-Type, If-Match, If-None-Match, X-Request-Id).
// Documented answers only (call() checks them against the OpenAPI document), never a 5xx.

let tokens: string[];
let groupId: string;
beforeAll(async () => {
  await seedCatalog();
  tokens = await callerTokens([ORG]);
  groupId = (await createGroup()).body.data.id;
});
const token = (i: number) => tokens[i % tokens.length]!;

const RUNS = { groupQueries: 200, segmentQueries: 150, headers: 150 };

const printable = (maxLength: number) => fc.string({ unit: "grapheme-ascii", maxLength });
const queryValue = fc.oneof(
  fc.constantFrom("", "1", "0", "-1", "0100", "1.5", "1e3", "100", "101", "9007199254740993", "true", "false", "TRUE", "CONTEXTUAL", "AUDIENCE", "3P", "3P:201", "CONTEXTUAL:101", "3P:0", "%", "_", " "),
  fc.constantFrom(String(ORG), String(OTHER_ORG)),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.base64String({ maxLength: 40 }),
);

/** A query string of known and unknown names, sometimes repeated, with any values. */
function queries(known: string[]) {
  const pair = fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...known) }, printable(8)), queryValue);
  return fc.array(pair, { maxLength: 4 }).map((pairs) => {
    const params = new URLSearchParams();
    for (const [name, value] of pairs) params.append(name, value);
    return params.toString();
  });
}

describe("query strings and headers, property-based", () => {
  it("GET /segment_groups?…: documented answers only", async () => {
    const known = ["organization_id", "type", "status", "q", "segment", "limit", "cursor"];
    const property = fc.asyncProperty(queries(known), fc.nat(), async (query, caller) => {
      const res = await call("GET", `/segment_groups?${query}`, { token: token(caller) });
      expectNoServerError(res);
    });
    await checkProperty("group queries", property, RUNS.groupQueries);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("GET /segments?…: documented answers only", async () => {
    const known = ["type", "q", "organization_id", "limit", "cursor"];
    const property = fc.asyncProperty(queries(known), fc.nat(), async (query, caller) => {
      expectNoServerError(await call("GET", `/segments?${query}`, { token: token(caller) }));
    });
    await checkProperty("segment queries", property, RUNS.segmentQueries);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("any Authorization, Content-Type, If-Match, If-None-Match and X-Request-Id: documented answers only, no write when refused", async () => {
    const authorization = fc.oneof(
      { weight: 3, arbitrary: fc.constant("valid") },
      fc.constantFrom("", "Bearer", "Bearer ", "bearer x.y.z", "Basic dXNlcjpwYXNz", "Bearer a.b.c=="),
      printable(60).map((t) => `Bearer ${t}`),
      printable(60),
    );
    const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/merge-patch+json", "text/plain", "application/x-www-form-urlencoded", "", "application/json;;");
    const etag = fc.oneof(fc.constantFrom("*", '"x"', 'W/"x"', "", '"a", "b"', '""'), printable(40));
    const route = fc.constantFrom(
      { method: "POST", path: () => "/segment_groups", json: validGroup() },
      { method: "PATCH", path: () => `/segment_groups/${groupId}`, json: { status: false } },
      { method: "DELETE", path: () => `/segment_groups/${groupId}` },
      { method: "GET", path: () => `/segment_groups/${groupId}` },
      { method: "PUT", path: () => "/segments/3P/8100", json: { name: "Fuzzed", organization_id: ORG } },
      { method: "POST", path: () => "/segments/bulk", json: { items: [{ segment_type: "3P", segment_id: 8101, name: "Fuzzed" }] } },
      { method: "GET", path: () => "/segments?limit=2" },
    );
    const headers = fc.record(
      { Authorization: authorization, "Content-Type": contentType, "If-Match": etag, "If-None-Match": etag, "X-Request-Id": printable(300) },
      { requiredKeys: ["Authorization"] },
    );
    const property = fc.asyncProperty(route, headers, fc.nat(), async (r, { Authorization: auth, ...rest }, caller) => {
      const sent: Record<string, string> = { ...rest };
      if (auth === "valid") sent.Authorization = `Bearer ${token(caller)}`;
      else if (auth !== "") sent.Authorization = auth;
      // Only as a body's type: a GET or DELETE with a Content-Type and no body is not the point here.
      if (r.json === undefined) delete sent["Content-Type"];
      const json = r.json === undefined ? undefined : r.json;
      const res = await refusedWritesChangeNothing(r.method, () => call(r.method, r.path(), { json, headers: sent }));
      if (res.status === 204 && r.method === "DELETE") groupId = (await createGroup()).body.data.id;
    });
    await checkProperty("headers", property, RUNS.headers);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("reports the cases run", () => reportFuzzCases("test/fuzz/queries-and-headers.fuzz.test.ts"));
});
