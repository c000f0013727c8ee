import { beforeEach, describe, expect, it } from "vitest";
import { listSegmentGroupsQuerySchema } from "../../src/routes/segment-groups/list-query";
import { listSegmentsQuerySchema } from "../../src/routes/segments/schemas";
import { issuesToDetails } from "../../src/validation/issues-to-details";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { createGroup, readGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

// JSON text, written out: `\ud800` is a JSON escape of an unpaired surrogate, which JSON allows
// but UTF-8 (and so D1) cannot hold.
const LONE_HIGH = String.raw`lone \ud800 high`;
const LONE_LOW = String.raw`\udc00 lone low`;
const REVERSED_PAIR = String.raw`\udc00\ud83d reversed`;
const MALFORMED = [LONE_HIGH, LONE_LOW, REVERSED_PAIR];
/** A proper pair (😀): well-formed, stored and read back as sent. */
const PAIR = String.raw`smile \ud83d\ude00`;

/** The raw JSON text of `body` with `"NAME"` standing for a name written as JSON escapes. */
function rawJson(body: unknown, name: string): string {
  const text = JSON.stringify(body).replace('"NAME"', `"${name}"`);
  expect(text).toContain(name);
  return text;
}

async function expectRejected(method: string, path: string, rawBody: string) {
  const before = await snapshotTables();
  const res = await call(method, path, { token: await tokenFor([ORG]), rawBody, headers: { "Content-Type": "application/json" } });
  expect(res.status, describeResponse(res)).toBe(400);
  expect(await snapshotTables()).toEqual(before);
  return res;
}

describe("names must be well-formed Unicode (400 invalid_unicode)", () => {
  it("POST /segment_groups refuses a name with an unpaired surrogate", async () => {
    for (const name of MALFORMED) {
      const res = await expectRejected("POST", "/segment_groups", rawJson(validGroup({ name: "NAME" }), name));
      expect(res.body.errors, name).toEqual([{ code: "invalid_unicode", field: "name", message: "must be well-formed Unicode (no unpaired surrogates)" }]);
    }
  });

  it("reports it together with the name's other problems", async () => {
    const res = await expectRejected("POST", "/segment_groups", rawJson(validGroup({ name: "NAME", status: "yes" }), `${"x".repeat(255)}\\ud800`));
    expect(errorsOf(res)).toEqual([
      { code: "too_long", field: "name" },
      { code: "invalid_unicode", field: "name" },
      { code: "invalid_type", field: "status" },
    ]);
  });

  it("accepts a proper surrogate pair and reads it back unchanged", async () => {
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), rawBody: rawJson(validGroup({ name: "NAME" }), PAIR), headers: { "Content-Type": "application/json" } });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(res.body.data.name).toBe("smile 😀");
    expect((await readGroup(res.body.data.id)).body.data.name).toBe("smile 😀");
  });

  it("PATCH /segment_groups/{id} refuses one too", async () => {
    const { body } = await createGroup();
    const res = await expectRejected("PATCH", `/segment_groups/${body.data.id}`, rawJson({ name: "NAME" }, LONE_HIGH));
    expect(errorsOf(res)).toEqual([{ code: "invalid_unicode", field: "name" }]);
  });

  it("PUT /segments/{type}/{id} refuses one too", async () => {
    const res = await expectRejected("PUT", "/segments/3P/501", rawJson({ name: "NAME" }, LONE_LOW));
    expect(errorsOf(res)).toEqual([{ code: "invalid_unicode", field: "name" }]);
  });

  it("POST /segments/bulk refuses one in any item, on that item's name", async () => {
    const items = [
      { segment_type: "3P", segment_id: 501, name: "Fine" },
      { segment_type: "3P", segment_id: 502, name: "NAME" },
    ];
    const res = await expectRejected("POST", "/segments/bulk", rawJson({ items }, REVERSED_PAIR));
    expect(errorsOf(res)).toEqual([{ code: "invalid_unicode", field: "items[1].name" }]);
  });

  // A URL cannot carry an unpaired surrogate (URL parsing turns it into U+FFFD and
  // percent-decoding refuses its UTF-8-like bytes), so the rule is checked on the schemas.
  it("q of both listings refuses one", () => {
    for (const schema of [listSegmentGroupsQuerySchema, listSegmentsQuerySchema]) {
      const input = { q: "lone \ud800 high" };
      const result = schema.safeParse(input);
      expect(result.success).toBe(false);
      expect(issuesToDetails(result.error!.issues, input)).toEqual([
        { code: "invalid_unicode", field: "q", message: "must be well-formed Unicode (no unpaired surrogates)" },
      ]);
    }
  });
});
