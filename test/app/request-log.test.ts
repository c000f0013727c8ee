import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { call, describeResponse, type CallOptions } from "../helpers/api";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

// The Worker runs in this isolate, so its console.log is the one spied on here.
let logSpy: MockInstance<typeof console.log>;
beforeAll(seedCatalog);
beforeEach(() => {
  logSpy = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => logSpy.mockRestore());

/** Every line logged while the request ran, and the request lines parsed. */
async function logged(method: string, path: string, options: CallOptions = {}) {
  logSpy.mockClear();
  const res = await call(method, path, options);
  const lines = logSpy.mock.calls.map((args) => args.map(String).join(" "));
  const requests = lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry.event === "request" ? [entry] : [];
    } catch {
      return [];
    }
  });
  return { res, lines, requests };
}

describe("request log: one JSON line per request", () => {
  it("logs a created group with its route, status, organizations and no error code", async () => {
    const { res, requests } = await logged("POST", "/segment_groups", { token: await tokenFor([ORG, 42]), json: validGroup() });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(requests).toEqual([
      {
        level: "info",
        event: "request",
        request_id: res.headers.get("X-Request-Id"),
        client_request_id: null,
        method: "POST",
        route: "/segment_groups",
        status: 201,
        duration_ms: expect.any(Number),
        organization_ids: [42, ORG],
        error_code: null,
        // One round trip; the create wrote its row and one reverse-index row per member. Over
        // shards the directory places the organization first (test/shards/costs.test.ts).
        d1_queries: SHARDED ? expect.any(Number) : 1,
        d1_rows_read: expect.any(Number),
        d1_rows_written: expect.any(Number),
      },
    ]);
    expect(requests[0]!.d1_rows_written).toBeGreaterThanOrEqual(4);
    expect(requests[0]!.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it("logs the route pattern, not the path with its id", async () => {
    const created = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup() });
    const id = created.body.data.id as string;
    const { res, lines, requests } = await logged("GET", `/segment_groups/${id}`, { token: await tokenFor([ORG]) });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(requests).toMatchObject([{ route: "/segment_groups/:id", status: 200, level: "info" }]);
    expect(lines.join("\n")).not.toContain(id);
  });

  it("names each route as routed: the feed is not logged as /segment_groups/:id", async () => {
    for (const [path, token] of [
      [`/segment_groups/changes?organization_id=${ORG}`, await tokenFor([ORG])],
      ["/segment_groups/changes", undefined],
    ] as const) {
      const { res, requests } = await logged("GET", path, { token });
      expect(requests, describeResponse(res)).toMatchObject([{ route: "/segment_groups/changes", status: res.status }]);
    }
  });

  it("logs the server's request id, and a client's own X-Request-Id only beside it", async () => {
    const { res, requests } = await logged("GET", "/health", { headers: { "X-Request-Id": "client-trace.42:abc=" } });
    const serverId = res.headers.get("X-Request-Id");
    expect(serverId).not.toBe("client-trace.42:abc=");
    expect(res.body.meta.request_id).toBe(serverId);
    expect(requests).toMatchObject([{ request_id: serverId, client_request_id: "client-trace.42:abc=" }]);

    // Another request's id is just a client id: it never becomes this request's.
    const replayed = await logged("GET", "/health", { headers: { "X-Request-Id": serverId! } });
    expect(replayed.res.headers.get("X-Request-Id")).not.toBe(serverId);
    expect(replayed.requests).toMatchObject([{ request_id: replayed.res.headers.get("X-Request-Id"), client_request_id: serverId }]);
  });

  it.each([
    ["too long", "a".repeat(129)],
    ["with a space", "two words"],
    ["with a quote", 'x"y'],
  ])("logs no client_request_id for one %s", async (_, clientId) => {
    const { res, lines, requests } = await logged("GET", "/health", { headers: { "X-Request-Id": clientId } });
    expect(requests).toMatchObject([{ request_id: res.headers.get("X-Request-Id"), client_request_id: null }]);
    expect(lines.join("\n")).not.toContain(clientId);
  });

  it("keeps a client id of exactly 128 characters", async () => {
    const clientId = "b".repeat(128);
    const { requests } = await logged("GET", "/health", { headers: { "X-Request-Id": clientId } });
    expect(requests).toMatchObject([{ client_request_id: clientId }]);
  });

  it("logs a validation failure as warn with its first error code", async () => {
    const { res, requests } = await logged("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup({ type: "NOPE", status: "yes" }) });
    expect(res.status, describeResponse(res)).toBe(400);
    expect(requests).toMatchObject([
      { level: "warn", route: "/segment_groups", status: 400, organization_ids: [ORG], error_code: res.body.errors[0].code },
    ]);
    expect(res.body.errors.length).toBeGreaterThan(1);
  });

  it("logs an unauthenticated request with no organizations", async () => {
    const { res, requests } = await logged("POST", "/segment_groups", { json: validGroup() });
    expect(res.status, describeResponse(res)).toBe(401);
    expect(requests).toMatchObject([{ level: "warn", route: "/segment_groups", status: 401, organization_ids: null, error_code: "missing_token" }]);
  });

  it("logs an unmatched path or method with route null", async () => {
    const { res, lines, requests } = await logged("GET", "/no/such/thing-7f3a");
    expect(res.status, describeResponse(res)).toBe(404);
    expect(requests).toMatchObject([{ level: "warn", method: "GET", route: null, status: 404, error_code: "not_found" }]);
    expect(lines.join("\n")).not.toContain("thing-7f3a");

    const wrongMethod = await logged("PATCH", "/health");
    expect(wrongMethod.res.status, describeResponse(wrongMethod.res)).toBe(405);
    expect(wrongMethod.requests).toMatchObject([{ method: "PATCH", route: null, status: 405, error_code: "method_not_allowed" }]);
  });

  it("logs a server-side failure as error", async () => {
    const errors = expectErrorLogs();
    const { res, requests } = await logged("GET", "/health", { env: { AUTH0_AUDIENCE: "" } });
    expect(res.status, describeResponse(res)).toBe(500);
    expect(requests).toMatchObject([{ level: "error", route: "/health", status: 500, error_code: "configuration_error" }]);
    expect(errors.events()).toEqual(["configuration_error"]);
  });

  it("never logs the token, the query string or the body", async () => {
    const token = await tokenFor([ORG]);
    const secretName = "Body value 5e1f-never-logged";
    for (const [method, path, json] of [
      ["POST", "/segment_groups?access_token=query-secret-9c2b", validGroup({ name: secretName })],
      ["POST", "/segment_groups", validGroup({ name: secretName, type: "NOPE" })],
      ["PUT", "/segments/3P/777", { name: secretName, organization_id: ORG }],
    ] as const) {
      const { res, lines, requests } = await logged(method, path, { token, json, headers: { "X-Api-Key": "header-secret-4d8e" } });
      expect(requests, describeResponse(res)).toHaveLength(1);
      const all = lines.join("\n");
      for (const secret of [token, token.split(".")[2]!, "query-secret-9c2b", secretName, "header-secret-4d8e"]) {
        expect(all, `${method} ${path} logged ${secret.slice(0, 20)}`).not.toContain(secret);
      }
    }
  });
});
