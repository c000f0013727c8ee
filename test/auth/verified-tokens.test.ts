import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyAccessToken } from "../../src/auth";
import { MAX_VERIFIED_TOKENS } from "../../src/auth/verified-tokens";
import { readAuthConfig } from "../../src/config";
import { call, describeResponse } from "../helpers/api";
import { ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { createTenant, newSigningKey } from "../helpers/tenants";

// The Worker remembers tokens it verified (src/auth/verified-tokens.ts). Each test has a tenant
// of its own, so its tokens and its JWKS start cold.

beforeEach(seedCatalog);
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const createGroup = (token: string, env: Record<string, string>) => call("POST", "/segment_groups", { token, json: validGroup(), env });
const claims = { organization_ids: [ORG] };
const signatureChecks = () => vi.spyOn(crypto.subtle, "verify");

describe("verified tokens, remembered per isolate", () => {
  it("verifies a token's signature once, then answers its next requests from memory", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    const token = await tenant.sign(key, { claims });
    const checks = signatureChecks();
    for (let i = 0; i < 3; i++) {
      const res = await createGroup(token, tenant.env);
      expect(res.status, describeResponse(res)).toBe(201);
    }
    expect(checks).toHaveBeenCalledTimes(1);
  });

  it("still refuses a remembered token once its exp has passed", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    const token = await tenant.sign(key, { claims: { ...claims, exp: Math.floor(Date.now() / 1000) + 60 } });
    expect((await createGroup(token, tenant.env)).status).toBe(201);
    // Past exp and the 5 s clock tolerance, well within the key set's 10 minutes.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 70_000 });
    const res = await createGroup(token, tenant.env);
    expect(res.status, describeResponse(res)).toBe(401);
    expect(res.body.errors[0].message).toMatch(/expired/);
  });

  it("verifies again once the key set that verified it is replaced: a key rotated out stops working", async () => {
    const oldKey = await newSigningKey();
    const newKey = await newSigningKey();
    const tenant = await createTenant([oldKey]);
    const oldToken = await tenant.sign(oldKey, { claims });
    expect((await createGroup(oldToken, tenant.env)).status).toBe(201);

    // The issuer rotates; a token with the new kid makes the Worker fetch the set again
    // (after the cooldown), long before the 10 minutes the old copy would have lasted.
    await tenant.publish([newKey]);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    const rotated = await createGroup(await tenant.sign(newKey, { claims }), tenant.env);
    expect(rotated.status, describeResponse(rotated)).toBe(201);
    expect(await tenant.jwksFetches()).toBe(2);

    const res = await createGroup(oldToken, tenant.env);
    expect(res.status, describeResponse(res)).toBe(401);
    expect(res.body.errors[0].message).toMatch(/unknown key/);
  });

  it("keeps remembering its tokens when a refetch brings the same key set (a token with an unknown kid)", async () => {
    const key = await newSigningKey();
    const stranger = await newSigningKey();
    const tenant = await createTenant([key]);
    const token = await tenant.sign(key, { claims });
    expect((await createGroup(token, tenant.env)).status).toBe(201);

    // Anyone can send a made-up kid: past the cooldown it makes the Worker ask the issuer again,
    // which answers the very same set.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    const unknown = await createGroup(await tenant.sign(stranger, { claims }), tenant.env);
    expect(unknown.status, describeResponse(unknown)).toBe(401);
    expect(await tenant.jwksFetches()).toBe(2);

    const checks = signatureChecks();
    const res = await createGroup(token, tenant.env);
    expect(res.status, describeResponse(res)).toBe(201);
    expect(checks, "the token is still answered from memory").toHaveBeenCalledTimes(0);
  });

  it("verifies again under other settings: a token remembered for one audience is refused by another", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    const token = await tenant.sign(key, { claims });
    expect((await createGroup(token, tenant.env)).status).toBe(201);
    const res = await createGroup(token, { ...tenant.env, AUTH0_AUDIENCE: "https://another-api.example.com" });
    expect(res.status, describeResponse(res)).toBe(401);
    expect(res.body.errors[0].message).toMatch(/not meant for this API/);
  });

  it("never answers a tampered copy of a remembered token from memory", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    const token = await tenant.sign(key, { claims });
    expect((await createGroup(token, tenant.env)).status).toBe(201);

    const [header, payload, signature] = token.split(".") as [string, string, string];
    const widened = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
    widened.organization_ids = [ORG, OTHER_ORG];
    const forgedPayload = btoa(JSON.stringify(widened)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    for (const tampered of [`${header}.${forgedPayload}.${signature}`, `${header}.${payload}.${signature.slice(0, -4)}AAAA`]) {
      const res = await createGroup(tampered, tenant.env);
      expect(res.status, describeResponse(res)).toBe(401);
    }
  });

  it("remembers at most MAX_VERIFIED_TOKENS tokens, forgetting the least recently used", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    const config = readAuthConfig({ ...env, ...tenant.env });
    const tokens = await Promise.all(
      Array.from({ length: MAX_VERIFIED_TOKENS + 1 }, (_, i) => tenant.sign(key, { claims: { ...claims, jti: `token-${i}` } })),
    );
    for (const token of tokens) await verifyAccessToken(token, config);
    const checks = signatureChecks();
    await verifyAccessToken(tokens.at(-1)!, config);
    expect(checks, "the newest token is still remembered").toHaveBeenCalledTimes(0);
    await verifyAccessToken(tokens[0]!, config);
    expect(checks, "the oldest token was forgotten to make room").toHaveBeenCalledTimes(1);
  }, 60_000);
});
