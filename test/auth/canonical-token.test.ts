import { base64url } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { createTenant, newSigningKey } from "../helpers/tenants";

beforeEach(seedCatalog);

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const PARTS = ["header", "payload", "signature"] as const;

// Each test signs with a tenant of its own (test/helpers/tenants.ts), so its JWKS fetch counter
// shows whether the Worker got as far as looking for keys: a respelled token must be refused
// before any of that, with zero fetches.
async function signedByNewTenant() {
  const key = await newSigningKey();
  const tenant = await createTenant([key]);
  return { tenant, token: await tokenWithSpareBits((options) => tenant.sign(key, options)) };
}

// A valid token whose three parts all end in a character with unused low bits (length not a
// multiple of 4), so each can be respelled without changing its bytes. The RS256 signature
// (256 bytes, 342 characters) always qualifies; the header and payload are padded until they do.
async function tokenWithSpareBits(sign: (options: { header: Record<string, unknown>; claims: Record<string, unknown> }) => Promise<string>): Promise<string> {
  for (let h = 0; h < 4; h++) {
    for (let p = 0; p < 4; p++) {
      const token = await sign({ header: { pad: "x".repeat(h) }, claims: { organization_ids: [ORG], pad: "y".repeat(p) } });
      if (token.split(".").every((part) => part.length % 4 >= 2)) return token;
    }
  }
  throw new Error("no padding gave every part spare bits");
}

// Sets the lowest unused bit of the last character: a decoder that ignores unused bits reads
// the same bytes, so only a canonical-spelling check can tell the texts apart.
function flipUnusedBit(part: string): string {
  const last = ALPHABET.indexOf(part.at(-1)!);
  return part.slice(0, -1) + ALPHABET[last | 1];
}

function respell(token: string, index: number, change: (part: string) => string): string {
  const parts = token.split(".");
  parts[index] = change(parts[index]!);
  return parts.join(".");
}

async function expectRejected(tenant: Tenant, token: string) {
  const before = await snapshotTables();
  const res = await call("POST", "/segment_groups", { token, json: validGroup(), env: tenant.env });
  expect(res.status, describeResponse(res)).toBe(401);
  expect(res.body.errors).toEqual([{ code: "invalid_token", message: expect.any(String) }]);
  expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="[^"]+", error="invalid_token"/);
  expect(await snapshotTables()).toEqual(before);
  expect(await tenant.jwksFetches(), "looked for signing keys before checking the spelling").toBe(0);
}

type Tenant = Awaited<ReturnType<typeof createTenant>>;

describe("one signed token has exactly one accepted text (RFC 7515 base64url)", () => {
  it("accepts the canonical spelling", async () => {
    const { tenant, token } = await signedByNewTenant();
    const res = await call("POST", "/segment_groups", { token, json: validGroup(), env: tenant.env });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(await tenant.jwksFetches()).toBe(1);
  });

  it.each(PARTS.map((name, index) => [name, index] as const))("rejects flipped unused bits at the end of the %s", async (_, index) => {
    const { tenant, token } = await signedByNewTenant();
    const respelled = respell(token, index, flipUnusedBit);
    // The respelling decodes to the same bytes: only the spelling differs.
    expect(base64url.decode(respelled.split(".")[index]!)).toEqual(base64url.decode(token.split(".")[index]!));
    await expectRejected(tenant, respelled);
  });

  it.each(PARTS.map((name, index) => [name, index] as const))("rejects '=' padding on the %s", async (_, index) => {
    const { tenant, token } = await signedByNewTenant();
    const padding = "=".repeat((4 - (token.split(".")[index]!.length % 4)) % 4);
    await expectRejected(tenant, respell(token, index, (part) => part + padding));
  });

  it("rejects '==' appended to the signature", async () => {
    const { tenant, token } = await signedByNewTenant();
    await expectRejected(tenant, `${token}==`);
  });
});
