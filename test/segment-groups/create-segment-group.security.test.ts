import { env } from "cloudflare:workers";
import { base64url, SignJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { createTenant, newSigningKey } from "../helpers/tenants";
import { AUDIENCE, mintToken, tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

const now = () => Math.floor(Date.now() / 1000);

/** Signs a token whose header and payload are exactly as given (no defaults added by jose). */
function unsignedToken(header: object, payload: object, signature = ""): string {
  const encode = (part: object) => base64url.encode(JSON.stringify(part));
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

async function hs256WithPublicKey(): Promise<string> {
  // The classic confusion attack: sign HMAC with the RSA public key as the shared secret.
  const publicJwk = JSON.parse(env.TEST_SIGNING_JWK) as Record<string, string>;
  const secret = new TextEncoder().encode(JSON.stringify({ kty: "RSA", n: publicJwk.n, e: publicJwk.e }));
  return new SignJWT({ organization_ids: [ORG], permissions: ["create:segment_groups"] })
    .setProtectedHeader({ alg: "HS256", kid: publicJwk.kid })
    .setIssuer(env.AUTH0_ISSUER_BASE_URL!)
    .setAudience(AUDIENCE)
    .setExpirationTime("1h")
    .sign(secret);
}

async function tamperedPayload(): Promise<string> {
  const [header, , signature] = (await tokenFor([ORG])).split(".");
  const forged = base64url.encode(
    JSON.stringify({ iss: env.AUTH0_ISSUER_BASE_URL, aud: AUDIENCE, exp: now() + 3600, organization_ids: [OTHER_ORG], permissions: ["create:segment_groups"] }),
  );
  return `${header}.${forged}.${signature}`;
}

const badTokens: [string, () => Promise<string>][] = [
  ["expired", () => mintToken({ claims: { exp: now() - 60 } })],
  ["not yet valid", () => mintToken({ claims: { nbf: now() + 300 } })],
  ["without exp", () => mintToken({ claims: { exp: undefined } })],
  ["from another issuer", () => mintToken({ issuer: "https://evil.example.com/" })],
  ["for another audience", () => mintToken({ claims: { aud: "https://other-api.example.com" } })],
  ["with an unknown kid", () => mintToken({ header: { kid: "no-such-key" } })],
  ["signed by an unpublished key", async () => mintToken({ key: (await newSigningKey()).privateKey })],
  ["with alg none", async () => unsignedToken({ alg: "none", typ: "JWT" }, { iss: env.AUTH0_ISSUER_BASE_URL, aud: AUDIENCE, exp: now() + 3600, organization_ids: [ORG], permissions: ["create:segment_groups"] })],
  ["HS256-signed with the public key", hs256WithPublicKey],
  ["with a tampered payload", tamperedPayload],
  ["over 16 KiB", () => mintToken({ claims: { padding: "x".repeat(16 * 1024) } })],
  ["with an unexpected typ", () => mintToken({ header: { typ: "id_token+jwt" } })],
  ["that is not a JWT", async () => "not.a.jwt"],
  ["that is empty after Bearer", async () => ""],
];

describe("POST /segment_groups — authentication (401)", () => {
  it.each(badTokens)("rejects a token %s, with WWW-Authenticate, writing nothing", async (_, makeToken) => {
    const before = await snapshotTables();
    const token = await makeToken();
    const res = await call("POST", "/segment_groups", { headers: { Authorization: `Bearer ${token}` }, json: validGroup() });
    expect(res.status, describeResponse(res)).toBe(401);
    expect(res.body).toEqual({
      errors: [{ code: "invalid_token", message: expect.any(String) }],
      meta: { status: "error", request_id: expect.any(String) },
    });
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="segment-groups-api", error="invalid_token"/);
    expect(await snapshotTables()).toEqual(before);
  });

  it("rejects a request without a token, and tokens sent any other way", async () => {
    const token = await tokenFor([ORG]);
    for (const headers of <Record<string, string>[]>[
      {},
      { Authorization: `Basic ${btoa("user:pass")}` },
      { Authorization: token },
      { "X-Access-Token": token },
      { Cookie: `access_token=${token}` },
    ]) {
      const before = await snapshotTables();
      const res = await call("POST", `/segment_groups?access_token=${token}`, { headers, json: validGroup() });
      expect(res.status, describeResponse(res)).toBe(401);
      expect(res.body.errors).toEqual([{ code: "missing_token", message: expect.any(String) }]);
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="segment-groups-api"');
      expect(await snapshotTables()).toEqual(before);
    }
  });

  it("refuses an oversized token before fetching any key", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    const token = await tenant.sign(key, { claims: { padding: "x".repeat(16 * 1024) } });
    const res = await call("POST", "/segment_groups", { token, json: validGroup(), env: tenant.env });
    expect(res.status, describeResponse(res)).toBe(401);
    expect(await tenant.jwksFetches()).toBe(0);
  });

  it("gives 401 precedence over every other problem", async () => {
    const res = await call("POST", "/segment_groups", { rawBody: "{", headers: { "Content-Type": "text/plain" } });
    expect(res.status, describeResponse(res)).toBe(401);
  });
});

describe("POST /segment_groups — authorization (403)", () => {
  it("needs create:segment_groups in permissions or scope", async () => {
    for (const claims of [
      { permissions: ["write:segments"] },
      { permissions: [], scope: "openid read:segment_groups" },
      { permissions: "create:segment_groups" },
      { permissions: undefined, scope: "create:segment_groupsx" },
    ]) {
      const before = await snapshotTables();
      const res = await call("POST", "/segment_groups", { token: await mintToken({ claims }), json: validGroup() });
      expect(res.status, describeResponse(res)).toBe(403);
      expect(res.body.errors).toEqual([{ code: "insufficient_permissions", message: expect.stringContaining("create:segment_groups") }]);
      expect(await snapshotTables()).toEqual(before);
    }
  });

  it("checks the permission before the media type, size and body", async () => {
    const token = await mintToken({ claims: { permissions: [] } });
    const res = await call("POST", "/segment_groups", { token, rawBody: "{", headers: { "Content-Type": "text/plain" } });
    expect(res.status, describeResponse(res)).toBe(403);
  });

  it("refuses an organization the token does not hold, naming the field", async () => {
    for (const claims of [{ organization_ids: [OTHER_ORG] }, { organization_ids: [] }, { organization_ids: undefined }, { organization_ids: [`${ORG}.0`, ORG + 0.5] }]) {
      const before = await snapshotTables();
      const res = await call("POST", "/segment_groups", { token: await mintToken({ claims }), json: validGroup() });
      expect(res.status, describeResponse(res)).toBe(403);
      expect(res.body.errors).toEqual([{ code: "organization_forbidden", field: "organization_id", message: expect.any(String) }]);
      expect(await snapshotTables()).toEqual(before);
    }
  });

  it("validates the body (400) before the organization (403), and the organization before the catalog (404)", async () => {
    const token = await tokenFor([OTHER_ORG]);
    const invalid = await call("POST", "/segment_groups", { token, json: validGroup({ name: "" }) });
    expect(invalid.status, describeResponse(invalid)).toBe(400);
    const foreignWithMissingSegment = validGroup({
      segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 777777, segment_type: "3P" }] }],
    });
    const forbidden = await call("POST", "/segment_groups", { token, json: foreignWithMissingSegment });
    expect(forbidden.status, describeResponse(forbidden)).toBe(403);
  });

  it("reads organizations from the configured claim", async () => {
    const claim = "https://segment-groups.example.com/orgs";
    const token = await mintToken({ claims: { organization_ids: undefined, [claim]: [ORG] } });
    const custom = await call("POST", "/segment_groups", { token, json: validGroup(), env: { AUTH0_ORGANIZATIONS_CLAIM: claim } });
    expect(custom.status, describeResponse(custom)).toBe(201);
    const defaultClaim = await call("POST", "/segment_groups", { token, json: validGroup() });
    expect(defaultClaim.status, describeResponse(defaultClaim)).toBe(403);
  });
});

describe("POST /segment_groups — catalog references (404)", () => {
  it("reports each missing member with its field path, and writes nothing", async () => {
    const before = await snapshotTables();
    const res = await call("POST", "/segment_groups", {
      token: await tokenFor([ORG]),
      json: validGroup({
        segment_subgroup: [
          { segment_operator: "AND", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }, { segment_id: 555555, segment_type: "CONTEXTUAL" }] },
          { segment_operator: "OR", segment_members: [{ segment_id: 201, segment_type: "3P" }, { segment_id: 101, segment_type: "3P" }, { segment_id: 401, segment_type: "3P" }] },
        ],
      }),
    });
    expect(res.status, describeResponse(res)).toBe(404);
    expect(res.body.errors.map((e: { code: string; field: string }) => [e.code, e.field])).toEqual([
      ["segment_not_found", "segment_subgroup[0].segment_members[1].segment_id"],
      ["segment_not_found", "segment_subgroup[1].segment_members[1].segment_id"],
      ["segment_not_found", "segment_subgroup[1].segment_members[2].segment_id"],
    ]);
    expect(await snapshotTables()).toEqual(before);
  });

  it("says the same about another organization's segment as about one that does not exist", async () => {
    const token = await tokenFor([ORG]);
    const body = (id: number) => validGroup({ segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: id, segment_type: "3P" }] }] });
    const foreign = await call("POST", "/segment_groups", { token, json: body(401) });
    const absent = await call("POST", "/segment_groups", { token, json: body(402) });
    expect(foreign.status).toBe(404);
    expect(absent.status).toBe(404);
    const normalise = (m: string) => m.replace(/\d+/g, "N");
    expect(normalise(foreign.body.errors[0].message)).toBe(normalise(absent.body.errors[0].message));
  });

  it("lets an organization use its own segments and global ones", async () => {
    const own = await call("POST", "/segment_groups", {
      token: await tokenFor([OTHER_ORG]),
      json: validGroup({
        organization_id: OTHER_ORG,
        segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 401, segment_type: "3P" }, { segment_id: 102, segment_type: "CONTEXTUAL" }] }],
      }),
    });
    expect(own.status, describeResponse(own)).toBe(201);
  });
});
