import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

const envelope = (code: string) => ({
  errors: [{ code, message: expect.any(String) }],
  meta: { status: "error", request_id: expect.any(String) },
});

describe("the error envelope, from every layer", () => {
  it("answers unknown routes with 404", async () => {
    for (const path of ["/", "/nope", "/segment_groups/x/y", "/segments/3P"]) {
      const res = await call("GET", path);
      expect(res.status, `${path}: ${describeResponse(res)}`).toBe(404);
      expect(res.body).toEqual(envelope("not_found"));
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    }
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const res = await call("DELETE", "/segment_groups");
    expect(res.status, describeResponse(res)).toBe(405);
    expect(res.body).toEqual(envelope("method_not_allowed"));
    expect(res.headers.get("Allow")).toBe("POST, GET, HEAD");
    const health = await call("POST", "/health");
    expect(health.status).toBe(405);
    expect(health.headers.get("Allow")).toBe("GET, HEAD");
  });

  it("gives every answer a request id of the server's own, in meta and X-Request-Id, whatever the client sends", async () => {
    const res = await call("GET", "/nope", { headers: { "X-Request-Id": "trace-abc-123" } });
    expect(res.body.meta.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.headers.get("X-Request-Id")).toBe(res.body.meta.request_id);
  });

  it("answers an unexpected exception with a generic 500 that leaks nothing", async () => {
    const logs = expectErrorLogs();
    const app = createApp();
    app.get("/explode", () => {
      throw new Error("secret connection string postgres://admin:hunter2@db");
    });
    const res = await app.request("/explode", {}, env);
    const text = await res.text();
    expect(res.status, text).toBe(500);
    expect(JSON.parse(text)).toEqual(envelope("internal_error"));
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("Error");
    expect(logs.events()).toEqual(["unhandled_exception"]);
  });

  it("answers a database failure with 503 in the envelope, without driver details", async () => {
    const logs = expectErrorLogs();
    const fail = () => {
      throw new Error("D1_ERROR: internal SQLITE_BUSY at /var/db");
    };
    // The Worker queries through a session of the binding.
    const brokenSession = { prepare: fail, batch: fail, getBookmark: () => null };
    const broken = new Proxy(env.DB, {
      get(target, property) {
        if (property === "batch" || property === "prepare") return fail;
        if (property === "withSession") return () => brokenSession;
        return Reflect.get(target, property);
      },
    });
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup(), env: { DB: broken } });
    expect(res.status, describeResponse(res)).toBe(503);
    expect(res.body).toEqual(envelope("database_unavailable"));
    expect(res.text).not.toContain("SQLITE");
    const health = await call("GET", "/health", { env: { DB: broken } });
    expect(health.status).toBe(503);
    expect(logs.events()).toEqual(["database_error", "database_error"]);
  });

  it("fails every request with a 500 when the configuration is missing or invalid", async () => {
    const logs = expectErrorLogs();
    for (const overrides of [
      { AUTH0_ISSUER_BASE_URL: "" },
      { AUTH0_ISSUER_BASE_URL: "not a url" },
      { AUTH0_ISSUER_BASE_URL: "http://tenant.example.com/" },
      { AUTH0_AUDIENCE: "  " },
      { AUTH0_JWKS_URI: "ftp://127.0.0.1/jwks" },
    ]) {
      for (const [method, path] of [["GET", "/health"], ["POST", "/segment_groups"], ["GET", "/nope"]] as const) {
        const res = await call(method, path, { env: overrides, token: await tokenFor([ORG]), json: method === "POST" ? validGroup() : undefined });
        expect(res.status, `${JSON.stringify(overrides)} ${path}: ${describeResponse(res)}`).toBe(500);
        expect(res.body).toEqual(envelope("configuration_error"));
        expect(res.text).not.toContain("AUTH0");
      }
    }
    expect(new Set(logs.events())).toEqual(new Set(["configuration_error"]));
  });
});

describe("GET /health", () => {
  it("answers 200 without a token when the database answers", async () => {
    const { db, calls } = countingD1(env.DB);
    const res = await call("GET", "/health", { env: { DB: db } });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body).toEqual({ data: { status: "ok", database: "ok" }, meta: { status: "success", request_id: expect.any(String) } });
    expect(calls).toHaveLength(1);
  });
});
