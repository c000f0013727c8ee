import { describe, expect, it } from "vitest";
import { call } from "../helpers/api";
import { assertMatchesDocument, matchPath, OPENAPI_DOCUMENT } from "../helpers/contract";

const json = new Headers({ "Content-Type": "application/json" });
const ok = (data: unknown) => JSON.stringify({ data, meta: { status: "success", request_id: "r1" } });
const error = (code: string) => JSON.stringify({ errors: [{ code, message: "m" }], meta: { status: "error", request_id: "r1" } });
const check = (method: string, path: string, status: number, text: string, headers = json) => () =>
  assertMatchesDocument(method, path, { status, headers, text });

describe("the contract check every call() runs", () => {
  it("accepts what the document describes", () => {
    expect(check("GET", "/health", 200, ok({ status: "ok", database: "ok" }))).not.toThrow();
    expect(check("GET", "/health", 503, error("database_unavailable"))).not.toThrow();
    expect(check("GET", "/segment_groups/01a216ff-8a90-7a6f-96a8-1c6d12960aef", 304, "", new Headers())).not.toThrow();
  });

  it("fails a body that does not match the schema", () => {
    expect(check("GET", "/health", 200, ok({ status: "ok" }))).toThrow(/GET \/health \(getHealth\): the body does not match the documented schema:\n[\s\S]*#\/data required: Instance does not have required property "database"/);
    expect(check("GET", "/health", 200, ok({ status: "ok", database: "ok", extra: 1 }))).toThrow(/does not match the documented schema/);
    expect(check("GET", "/health", 200, "not json")).toThrow(/the body is not JSON/);
    expect(check("GET", "/health", 200, ok({ status: "ok", database: "ok" }), new Headers({ "Content-Type": "text/plain" }))).toThrow(/Content-Type is text\/plain/);
  });

  it("fails a status the operation does not document", () => {
    expect(check("GET", "/health", 404, error("not_found"))).toThrow(/status 404 is not documented; documented: 200, 400, 500, 503/);
    expect(check("GET", "/health", 201, ok({ status: "ok", database: "ok" }))).toThrow(/status 201 is not documented/);
  });

  it("fails an error code its status does not list for the operation", () => {
    expect(check("GET", "/segment_groups/x", 403, error("organization_forbidden"))).toThrow(/\/errors\/0\/code enum/);
    expect(check("GET", "/health", 503, error("auth_unavailable"))).toThrow(/does not match/);
  });

  it("lets the first error be followed by codes of its own status, and nothing else", () => {
    const bulk = (status: number, codes: string[]) =>
      check("POST", "/segments/bulk", status, JSON.stringify({ errors: codes.map((code) => ({ code, message: "m" })), meta: { status: "error", request_id: "r1" } }));
    expect(bulk(403, ["insufficient_permissions", "organization_forbidden"])).not.toThrow();
    expect(bulk(403, ["organization_forbidden", "segment_owner_conflict"])).toThrow(/\/errors\/1\/code enum/);
    expect(bulk(409, ["segment_owner_conflict", "organization_forbidden"])).toThrow(/\/errors\/1\/code enum/);
  });

  it("fails error meta the operation does not document", () => {
    const path = "/segments/3P/201";
    const inUse = (meta: object) => check("DELETE", path, 409, JSON.stringify({ errors: [{ code: "segment_in_use", message: "m" }], meta: { status: "error", request_id: "r1", ...meta } }));
    expect(inUse({ group_count: 2 })).not.toThrow();
    expect(inUse({})).toThrow(/group_count/);
    expect(inUse({ group_count: 2, groups: ["a"] })).toThrow(/does not match the documented schema/);
    const notFound = (meta: object) => check("DELETE", path, 404, JSON.stringify({ errors: [{ code: "segment_not_found", message: "m" }], meta: { status: "error", request_id: "r1", ...meta } }));
    expect(notFound({})).not.toThrow();
    expect(notFound({ group_count: 2 })).toThrow(/does not match the documented schema/);
  });

  it("fails a body where the document says there is none", () => {
    expect(check("GET", "/segment_groups/x", 304, ok({}))).toThrow(/no body/);
  });

  it("expects the shared 404 for unknown paths and 405 for other methods on known ones", () => {
    expect(check("GET", "/nope", 404, error("not_found"))).not.toThrow();
    expect(check("GET", "/nope", 500, error("configuration_error"))).not.toThrow();
    expect(check("GET", "/nope", 200, ok({}))).toThrow(/no documented path\): status 200 is not documented; documented: 404, 500/);
    expect(check("GET", "/nope", 404, error("segment_not_found"))).toThrow(/does not match/);
    expect(check("DELETE", "/health", 405, error("method_not_allowed"))).not.toThrow();
    expect(check("DELETE", "/health", 404, error("not_found"))).toThrow(/undocumented method\): status 404 is not documented/);
  });

  it("finds the operation by path template, static segments first", () => {
    expect(matchPath(["/a/{id}", "/a/b"], "/a/b")).toBe("/a/b");
    expect(matchPath(["/a/{id}", "/a/b"], "/a/c")).toBe("/a/{id}");
    expect(matchPath(["/a/{id}"], "/a/")).toBeUndefined();
    expect(matchPath(["/a/{id}"], "/a/c/d")).toBeUndefined();
  });

  it("runs on every call(), on the path without its query string", async () => {
    const responses = OPENAPI_DOCUMENT.paths["/health"].get.responses;
    const documented = responses["200"];
    delete responses["200"];
    try {
      await expect(call("GET", "/health?verbose=1")).rejects.toThrow(/GET \/health \(getHealth\): status 200 is not documented/);
    } finally {
      responses["200"] = documented;
    }
    expect((await call("GET", "/health?verbose=1")).status).toBe(200);
  });
});
