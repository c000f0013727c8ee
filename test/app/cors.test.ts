import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/errors/codes";
import worker from "../../src/index";
import { ALLOWED_HEADERS, EXPOSED_HEADERS } from "../../src/middleware/cors";
import { call, describeResponse } from "../helpers/api";
import { OPENAPI_DOCUMENT } from "../helpers/contract";
import { snapshotTables } from "../helpers/db";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

const CONSOLE = "https://console.example.com";
const LOCAL_CONSOLE = "http://localhost:5173";
const allowing = { CORS_ALLOWED_ORIGINS: ` ${CONSOLE},${LOCAL_CONSOLE} ` };
const CORS_HEADERS = ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Access-Control-Expose-Headers"];

// A preflight is not an operation of the OpenAPI document, so it goes to the Worker directly
// rather than through call(), which checks every answer against the document.
async function preflight(origin: string, path = "/segment_groups", overrides: Record<string, string> = allowing) {
  const request = new Request(`https://api.test${path}`, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type, idempotency-key, x-d1-bookmark" },
  });
  return worker.fetch(request, { ...env, ...overrides }, {} as ExecutionContext);
}

const corsHeadersOf = (headers: Headers) => CORS_HEADERS.filter((name) => headers.has(name));

describe("CORS preflight", () => {
  it("answers an allowed origin with 204, its methods and headers, without a token", async () => {
    const res = await preflight(CONSOLE);
    expect(res.status, await res.clone().text()).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(CONSOLE);
    expect(res.headers.get("Access-Control-Allow-Methods")!.split(", ")).toEqual(expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE"]));
    expect(res.headers.get("Access-Control-Allow-Headers")!.split(", ")).toEqual(
      expect.arrayContaining(["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "x-d1-bookmark", "X-Request-Id"]),
    );
    expect(Number(res.headers.get("Access-Control-Max-Age"))).toBeGreaterThan(0);
    expect(res.headers.get("Vary")).toContain("Origin");
    expect(res.headers.has("Access-Control-Allow-Credentials")).toBe(false);
    expect(await res.text()).toBe("");
  });

  it("answers every configured origin, on any path", async () => {
    for (const [origin, path] of [[LOCAL_CONSOLE, "/segments/bulk"], [CONSOLE, "/segment_groups/sg_x"]] as const) {
      const res = await preflight(origin, path);
      expect(res.status, `${origin} ${path}`).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    }
  });

  it("gives an origin not on the list no CORS headers", async () => {
    for (const origin of ["https://evil.example.com", "https://console.example.com.evil.example", "http://console.example.com", "null"]) {
      const res = await preflight(origin);
      expect(res.status, origin).not.toBe(204);
      expect(corsHeadersOf(res.headers), origin).toEqual([]);
    }
  });

  it("gives no CORS headers at all when the list is empty (the default)", async () => {
    const res = await preflight(CONSOLE, "/segment_groups", {});
    expect(res.status).not.toBe(204);
    expect(corsHeadersOf(res.headers)).toEqual([]);
    expect(res.headers.get("Vary") ?? "").not.toContain("Origin");
  });
});

describe("CORS on actual responses", () => {
  it("lets an allowed origin read the answer and its ETag, Location and X-Request-Id", async () => {
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup(), headers: { Origin: CONSOLE }, env: allowing });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(CONSOLE);
    expect(res.headers.get("Access-Control-Expose-Headers")!.split(", ")).toEqual(
      expect.arrayContaining(["ETag", "Location", "X-Request-Id", "Retry-After", "WWW-Authenticate", "Idempotent-Replayed", "x-d1-bookmark", "Allow"]),
    );
    expect(res.headers.get("Vary")).toContain("Origin");
  });

  it("puts CORS headers on errors too (401, 404, 405), so a browser can read them", async () => {
    for (const [method, path, token] of [["POST", "/segment_groups", undefined], ["GET", "/nope", undefined], ["DELETE", "/segment_groups", undefined]] as const) {
      const res = await call(method, path, { token, headers: { Origin: CONSOLE }, env: allowing, json: method === "POST" ? validGroup() : undefined });
      expect(res.status, `${method} ${path}: ${describeResponse(res)}`).toBeGreaterThanOrEqual(400);
      expect(res.headers.get("Access-Control-Allow-Origin"), `${method} ${path}`).toBe(CONSOLE);
      expect(res.headers.get("Access-Control-Expose-Headers"), `${method} ${path}`).toContain("X-Request-Id");
    }
  });

  it("gives another origin the same answer without CORS headers, and never echoes it", async () => {
    const res = await call("GET", "/health", { headers: { Origin: "https://evil.example.com" }, env: allowing });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual([]);
    expect(res.headers.get("Vary")).toContain("Origin");
  });

  it("changes nothing without a list", async () => {
    const res = await call("GET", "/health", { headers: { Origin: CONSOLE } });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual([]);
  });
});

describe("CORS covers every header the API reads and sends", () => {
  // Headers a browser's script never sets (the browser or Cloudflare does), and response headers
  // every browser may read anyway (the CORS-safelisted ones).
  const SET_BY_BROWSER_OR_PLATFORM = new Set(["origin", "access-control-request-method", "content-length", "cf-connecting-ip"]);
  const SAFELISTED_RESPONSE = new Set(["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"]);
  const lower = (names: Iterable<string>) => new Set([...names].map((name) => name.toLowerCase()));
  const SOURCES = import.meta.glob<string>("../../src/**/*.ts", { query: "?raw", import: "default", eager: true });

  // `export const NAME = "Header-Name"` anywhere under src/, so header(NAME) reads resolve.
  const constants = new Map<string, string>();
  for (const text of Object.values(SOURCES)) {
    for (const [, name, value] of text.matchAll(/export const ([A-Z_]+) = "([^"]+)";/g)) constants.set(name!, value!);
  }
  /** Every header name passed to `<call>(...)` in the sources: a string literal or an exported constant. */
  function headerNamesIn(call: RegExp): Map<string, string> {
    const names = new Map<string, string>();
    for (const [file, text] of Object.entries(SOURCES)) {
      for (const [, literal, constant] of text.matchAll(call)) {
        const name = literal ?? constants.get(constant!);
        expect(name, `${file}: header(${constant}) is not an exported string constant`).toBeDefined();
        names.set(name!.toLowerCase(), file);
      }
    }
    return names;
  }

  it("allows in preflights every request header the code reads and the API reference documents", () => {
    const allowed = lower(ALLOWED_HEADERS);
    const read = headerNamesIn(/\.req\.header\(\s*(?:"([^"]+)"|([A-Z_]+))\s*\)/g);
    expect(read.size, "the scan finds the code's header reads").toBeGreaterThanOrEqual(6);
    const documented = new Set<string>(["authorization"]);
    for (const methods of Object.values(OPENAPI_DOCUMENT.paths as Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>)) {
      for (const operation of Object.values(methods)) for (const p of operation.parameters ?? []) if (p.in === "header") documented.add(p.name.toLowerCase());
    }
    const missing = [...new Set([...read.keys(), ...documented])].filter((name) => !allowed.has(name) && !SET_BY_BROWSER_OR_PLATFORM.has(name));
    expect(missing, `add to ALLOWED_HEADERS (src/middleware/cors.ts): ${missing.join(", ")}`).toEqual([]);
  });

  it("exposes every response header the code sets, the API reference documents and the error table lists", () => {
    const exposed = lower(EXPOSED_HEADERS);
    const sent = new Set(headerNamesIn(/\bc\.header\(\s*(?:"([^"]+)"|([A-Z_]+))\s*,/g).keys());
    type Responses = Record<string, { headers?: Record<string, unknown> }>;
    for (const methods of Object.values(OPENAPI_DOCUMENT.paths as Record<string, Record<string, { responses: Responses }>>)) {
      for (const operation of Object.values(methods)) for (const response of Object.values(operation.responses)) for (const name of Object.keys(response.headers ?? {})) sent.add(name.toLowerCase());
    }
    for (const info of Object.values(ERROR_CODES) as { headers?: Record<string, string> }[]) for (const name of Object.keys(info.headers ?? {})) sent.add(name.toLowerCase());
    expect(sent.size, "the scan finds the API's response headers").toBeGreaterThanOrEqual(8);
    const missing = [...sent].filter((name) => !exposed.has(name) && !SAFELISTED_RESPONSE.has(name));
    expect(missing, `add to EXPOSED_HEADERS (src/middleware/cors.ts): ${missing.join(", ")}`).toEqual([]);
  });
});

describe("CORS_ALLOWED_ORIGINS validation", () => {
  it.each([
    "*",
    "https://console.example.com/",
    "https://console.example.com/app",
    "https://*.example.com",
    "console.example.com",
    "http://console.example.com",
    "https://Console.example.com",
    "https://console.example.com:443",
    `${CONSOLE},not an origin`,
  ])("refuses %j with configuration_error, naming nothing of the config to the client", async (value) => {
    const logs = expectErrorLogs();
    const before = await snapshotTables();
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup(), env: { CORS_ALLOWED_ORIGINS: value } });
    expect(res.status, describeResponse(res)).toBe(500);
    expect(res.body.errors).toEqual([{ code: "configuration_error", message: expect.any(String) }]);
    expect(res.text).not.toContain("CORS");
    expect(await snapshotTables()).toEqual(before);
    expect(logs.lines()).toEqual([expect.objectContaining({ event: "configuration_error", message: expect.stringContaining("CORS_ALLOWED_ORIGINS") })]);
  });
});
