import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../src/pagination";
import { call, describeResponse } from "../helpers/api";
import { ORG, OTHER_ORG } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

async function rejected(query: string) {
  const res = await call("GET", `/segment_groups?${query}`, { token: await tokenFor([ORG]) });
  expect(res.status, `${query} → ${describeResponse(res)}`).toBe(400);
  return res.body.errors as { code: string; field?: string; message: string }[];
}

/** Each query is a 400 with exactly one error: this code on this field. */
async function expectOneError(field: string, code: string, queries: string[]) {
  for (const query of queries) {
    expect(await rejected(query), query).toEqual([{ code, field, message: expect.any(String) }]);
  }
}

const base64url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

describe("GET /segment_groups — invalid parameters (400, field names the parameter)", () => {
  it("limit: an integer from 1 to 100", async () => {
    await expectOneError("limit", "too_small", ["limit=0", "limit=-1"]);
    await expectOneError("limit", "too_large", ["limit=101", "limit=9999", "limit=99999"]);
    await expectOneError("limit", "invalid_type", ["limit=abc", "limit=1.5", "limit=", "limit=%2B5", "limit=1e2", "limit=0100"]);
  });

  it("cursor: only what this listing issued", async () => {
    const notCursors = [
      "!!!",
      "a".repeat(513),
      base64url("not json"),
      encodeCursor([]),
      encodeCursor(["2025-01-01T00:00:00.000Z"]),
      encodeCursor(["2025-01-01T00:00:00.000Z", "01890a5d-ac96-774b-bcce-b302099a8057", "extra"]),
      encodeCursor([1, 2]),
      base64url('{"created_at":"2025-01-01T00:00:00.000Z","id":"x"}'),
      base64url("null"),
    ];
    await expectOneError("cursor", "invalid_value", notCursors.map((c) => `cursor=${encodeURIComponent(c)}`));
  });

  it("type, status and segment: only their documented values", async () => {
    await expectOneError("type", "invalid_value", ["type=audience", "type=3P", "type="]);
    await expectOneError("status", "invalid_value", ["status=1", "status=TRUE", "status=yes", "status="]);
    await expectOneError("segment", "invalid_value", [
      "segment=3P",
      "segment=3P:",
      "segment=:201",
      "segment=3P:0",
      "segment=3P:01",
      "segment=3P:-1",
      "segment=3P:1.5",
      "segment=3P:abc",
      "segment=3p:201",
      "segment=AUDIENCE:201",
      "segment=3P:201:1",
      "segment=3P%20:201",
      "segment=3P:99999999999999999",
    ]);
  });

  it("q: 1 to 255 characters, not only whitespace", async () => {
    await expectOneError("q", "too_short", ["q="]);
    await expectOneError("q", "blank", ["q=%20%20", "q=%09"]);
    await expectOneError("q", "too_long", [`q=${"a".repeat(256)}`]);
    const ok = await call("GET", `/segment_groups?q=${"a".repeat(255)}`, { token: await tokenFor([ORG]) });
    expect(ok.status, describeResponse(ok)).toBe(200);
  });

  it("organization_id: a positive integer written plainly", async () => {
    await expectOneError("organization_id", "invalid_value", ["organization_id=abc", "organization_id=01234", "organization_id=%2B1234"]);
    await expectOneError("organization_id", "too_small", ["organization_id=0", "organization_id=-1"]);
  });

  it("unknown_field for a parameter the listing does not define", async () => {
    await expectOneError("organization", "unknown_field", ["organization=1234"]);
    await expectOneError("page", "unknown_field", ["page=2"]);
  });

  it("invalid_type for a parameter given twice", async () => {
    await expectOneError("type", "invalid_type", ["type=CONTEXTUAL&type=AUDIENCE"]);
    await expectOneError("status", "invalid_type", ["status=true&status=true"]);
    await expectOneError("limit", "invalid_type", ["limit=5&limit=5"]);
    await expectOneError("organization_id", "invalid_type", [`organization_id=${ORG}&organization_id=${OTHER_ORG}`]);
  });

  it("reports every problem at once", async () => {
    const errors = await rejected("limit=0&type=x&foo=1&segment=bad");
    expect(errors.map((e) => [e.field, e.code]).sort()).toEqual([
      ["foo", "unknown_field"],
      ["limit", "too_small"],
      ["segment", "invalid_value"],
      ["type", "invalid_value"],
    ]);
  });

  it("checks the parameters (400) before the organization (403)", async () => {
    await expectOneError("limit", "too_small", [`organization_id=${OTHER_ORG}&limit=0`]);
  });
});
