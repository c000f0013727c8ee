import { describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { ORG } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

const TWENTY_DIGITS = "9".repeat(20);

/** Every integer query parameter of both listings: the problem reported for each spelling. */
const CASES: [query: string, field: string, code: string, message: string][] = [
  ["limit=-1", "limit", "too_small", "must be at least 1"],
  ["limit=0", "limit", "too_small", "must be at least 1"],
  ["limit=101", "limit", "too_large", "must be at most 100"],
  ["limit=10000", "limit", "too_large", "must be at most 100"],
  [`limit=${TWENTY_DIGITS}`, "limit", "too_large", "must be at most 100"],
  [`limit=-${TWENTY_DIGITS}`, "limit", "too_small", "must be at least 1"],
  ["limit=0100", "limit", "invalid_type", "must be an integer"],
  ["limit=007", "limit", "invalid_type", "must be an integer"],
  ["limit=-0", "limit", "invalid_type", "must be an integer"],
  ["limit=%2B5", "limit", "invalid_type", "must be an integer"],
  ["limit=1e2", "limit", "invalid_type", "must be an integer"],
  ["limit=%205", "limit", "invalid_type", "must be an integer"],
  ["organization_id=-1", "organization_id", "too_small", "must be at least 1"],
  ["organization_id=0", "organization_id", "too_small", "must be at least 1"],
  ["organization_id=9007199254740992", "organization_id", "too_large", "must be at most 9007199254740991"],
  [`organization_id=${TWENTY_DIGITS}`, "organization_id", "too_large", "must be at most 9007199254740991"],
  ["organization_id=0100", "organization_id", "invalid_value", "must be a positive integer"],
  ["organization_id=-01", "organization_id", "invalid_value", "must be a positive integer"],
  ["organization_id=1.0", "organization_id", "invalid_value", "must be a positive integer"],
];

describe.each(["/segment_groups", "/segments"])("GET %s — integer parameters", (path) => {
  it("reports an out-of-range integer as too_small / too_large and any other spelling as malformed", async () => {
    const token = await tokenFor([ORG]);
    for (const [query, field, code, message] of CASES) {
      const res = await call("GET", `${path}?${query}`, { token });
      expect(res.status, `${query}: ${describeResponse(res)}`).toBe(400);
      expect(res.body.errors, query).toEqual([{ code, field, message }]);
    }
  });

  it("accepts each bound, written canonically", async () => {
    const token = await tokenFor([ORG]);
    for (const query of ["limit=1", "limit=100", `organization_id=${ORG}`]) {
      const res = await call("GET", `${path}?${query}`, { token });
      expect(res.status, `${query}: ${describeResponse(res)}`).toBe(200);
    }
  });
});

describe("integer path parameters follow the same rule", () => {
  it("GET /segments/{segment_type}/{segment_id}: out of range is too_small / too_large, other spellings invalid_value", async () => {
    const token = await tokenFor([ORG]);
    for (const [id, code] of [["0", "too_small"], ["-1", "too_small"], [TWENTY_DIGITS, "too_large"], ["01", "invalid_value"], ["1.5", "invalid_value"]] as const) {
      const res = await call("GET", `/segments/3P/${id}`, { token });
      expect(res.status, `${id}: ${describeResponse(res)}`).toBe(400);
      expect(res.body.errors.map((e: { code: string; field: string }) => [e.code, e.field]), id).toEqual([[code, "segment_id"]]);
    }
  });
});
