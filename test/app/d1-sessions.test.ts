import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

beforeAll(seedCatalog);

const LOCAL_BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

// One database's sessions, faked on DB alone; test/shards/reads.test.ts checks the bookmarks of several shards.
describe.skipIf(SHARDED)("D1 sessions and x-d1-bookmark", () => {
  it("starts writes at the primary and reads at the client's bookmark, else anywhere", async () => {
    const token = await tokenFor([ORG]);
    const { db, sessions } = countingD1(env.DB);
    const created = await call("POST", "/segment_groups", { token, json: validGroup(), env: { DB: db }, headers: { "x-d1-bookmark": "00000000-00000001-00000000-00000000000000000000000000000000" } });
    expect(created.status, describeResponse(created)).toBe(201);
    const bookmark = created.headers.get("x-d1-bookmark")!;
    expect(bookmark).toMatch(LOCAL_BOOKMARK);

    const read = await call("GET", `/segment_groups/${created.body.data.id}`, { token, env: { DB: db }, headers: { "x-d1-bookmark": bookmark } });
    // The read started at the write's bookmark sees the write.
    expect(read.status, describeResponse(read)).toBe(200);
    expect(read.body.data).toEqual(created.body.data);
    expect(read.headers.get("x-d1-bookmark")! >= bookmark).toBe(true);

    await call("GET", "/segment_groups", { token, env: { DB: db } });
    expect(sessions).toEqual(["first-primary", bookmark, "first-unconstrained"]);
  });

  it("returns the bookmark on errors once the request reached the database, and not before", async () => {
    const token = await tokenFor([ORG]);
    const missing = await call("GET", "/segment_groups/01890a5d-ac96-774b-bcce-b302099a8057", { token });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-d1-bookmark")).toMatch(LOCAL_BOOKMARK);
    const { id } = (await call("POST", "/segment_groups", { token, json: validGroup() })).body.data;
    const stale = await call("PATCH", `/segment_groups/${id}`, { token, json: { name: "x" }, headers: { "If-Match": '"stale"' } });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("x-d1-bookmark")).toMatch(LOCAL_BOOKMARK);

    const unauthenticated = await call("GET", "/segment_groups");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.has("x-d1-bookmark")).toBe(false);
  });

  it("answers a malformed bookmark with 400 invalid_bookmark on the header, before any query", async () => {
    const token = await tokenFor([ORG]);
    for (const bad of ["x".repeat(257), "not a bookmark", "abc_def", "00000000/1", ""]) {
      for (const [method, path, json] of [["GET", "/segment_groups", undefined], ["POST", "/segment_groups", validGroup()]] as const) {
        const { db, calls } = countingD1(env.DB);
        const res = await call(method, path, { token, json, env: { DB: db }, headers: { "x-d1-bookmark": bad } });
        expect(res.status, `${method} ${JSON.stringify(bad)}: ${describeResponse(res)}`).toBe(400);
        expect(errorsOf(res)).toEqual([{ code: "invalid_bookmark", field: "x-d1-bookmark" }]);
        expect(res.headers.has("x-d1-bookmark")).toBe(false);
        expect(calls).toEqual([]);
      }
    }
    // The longest accepted shape.
    const longest = await call("GET", "/segment_groups", { token, headers: { "x-d1-bookmark": "a".repeat(256) } });
    expect(longest.status, describeResponse(longest)).toBe(200);
  });

  it("answers 400 invalid_bookmark when D1 refuses the client's bookmark, 503 for other failures", async () => {
    const logs = expectErrorLogs();
    const token = await tokenFor([ORG]);
    const failingWith = (message: string) => {
      const fail = () => Promise.reject(new Error(message));
      const statement = { bind: () => statement, all: fail, first: fail, run: fail, raw: fail };
      const session = { prepare: () => statement, batch: fail, getBookmark: () => null };
      return new Proxy(env.DB, { get: (target, property) => (property === "withSession" ? () => session : Reflect.get(target, property)) });
    };
    const refusing = failingWith("D1_ERROR: Invalid bookmark: 00000000-00000099");
    const read = await call("GET", "/segment_groups", { token, env: { DB: refusing }, headers: { "x-d1-bookmark": "00000000-00000099" } });
    expect(read.status, describeResponse(read)).toBe(400);
    expect(errorsOf(read)).toEqual([{ code: "invalid_bookmark", field: "x-d1-bookmark" }]);
    // Without a client bookmark (or on a write, which ignores it) the same failure is ours.
    expect((await call("GET", "/segment_groups", { token, env: { DB: refusing } })).status).toBe(503);
    expect((await call("POST", "/segment_groups", { token, json: validGroup(), env: { DB: refusing }, headers: { "x-d1-bookmark": "00000000-00000099" } })).status).toBe(503);
    const down = await call("GET", "/segment_groups", { token, env: { DB: failingWith("D1_ERROR: network connection lost") }, headers: { "x-d1-bookmark": "00000000-00000099" } });
    expect(down.status).toBe(503);
    // A later page starts at its cursor's bookmark: D1 refusing that one is the cursor's fault.
    for (let i = 0; i < 2; i++) expect((await call("POST", "/segment_groups", { token, json: validGroup() })).status).toBe(201);
    const first = await call("GET", "/segment_groups?limit=1", { token });
    const next = await call("GET", `/segment_groups?limit=1&cursor=${first.body.meta.next_cursor}`, { token, env: { DB: refusing } });
    expect(next.status, describeResponse(next)).toBe(400);
    expect(errorsOf(next)).toEqual([{ code: "invalid_value", field: "cursor" }]);
    // Each 503 is logged for the operator; the 400s are the client's to fix.
    expect(logs.events()).toEqual(["database_error", "database_error", "database_error"]);
  });
});
