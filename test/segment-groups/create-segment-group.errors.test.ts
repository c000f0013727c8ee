import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { member, ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

/** POSTs `json` (or a raw body) and asserts the 400 envelope and that no row changed. */
async function expectRejected(options: { json?: unknown; rawBody?: BodyInit; headers?: Record<string, string> }, status = 400) {
  const before = await snapshotTables();
  const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), ...options });
  expect(res.status, describeResponse(res)).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(res.body.meta).toEqual({ status: "error", request_id: expect.any(String) });
  expect(await snapshotTables()).toEqual(before);
  return res;
}

describe("POST /segment_groups — request body (400)", () => {
  it("reports every problem at once, each with its field path", async () => {
    const res = await expectRejected({
      json: {
        name: "",
        type: "contextual",
        organization_id: "1234",
        status: "true",
        segment_subgroup: [
          { segment_operator: "AND", segment_members: [member(101)] },
          { segment_operator: "XOR", segment_members: [member(0, "3p"), member(1.5), { segment_type: "3P" }] },
        ],
      },
    });
    expect(errorsOf(res)).toEqual(
      expect.arrayContaining([
        { code: "too_short", field: "name" },
        { code: "invalid_value", field: "type" },
        { code: "invalid_type", field: "organization_id" },
        { code: "invalid_type", field: "status" },
        { code: "invalid_value", field: "segment_subgroup[1].segment_operator" },
        { code: "too_small", field: "segment_subgroup[1].segment_members[0].segment_id" },
        { code: "invalid_value", field: "segment_subgroup[1].segment_members[0].segment_type" },
        { code: "invalid_type", field: "segment_subgroup[1].segment_members[1].segment_id" },
        { code: "required", field: "segment_subgroup[1].segment_members[2].segment_id" },
      ]),
    );
    expect(res.body.errors).toHaveLength(9);
    for (const error of res.body.errors) expect(Object.keys(error)).toEqual(["code", "field", "message"]);
  });

  it("requires every spec field", async () => {
    const res = await expectRejected({ json: {} });
    expect(errorsOf(res)).toEqual([
      { code: "required", field: "name" },
      { code: "required", field: "type" },
      { code: "required", field: "organization_id" },
      { code: "required", field: "status" },
      { code: "required", field: "segment_subgroup" },
    ]);
    const nested = await expectRejected({ json: validGroup({ segment_subgroup: [{}] }) });
    expect(errorsOf(nested)).toEqual([
      { code: "required", field: "segment_subgroup[0].segment_operator" },
      { code: "required", field: "segment_subgroup[0].segment_members" },
    ]);
  });

  it("takes enums exactly as written, case-sensitive", async () => {
    for (const [field, value] of [["type", "Contextual"], ["type", "3P"], ["type", "AUDIENCE "]] as const) {
      const res = await expectRejected({ json: validGroup({ [field]: value }) });
      expect(errorsOf(res)).toEqual([{ code: "invalid_value", field }]);
      expect(res.body.errors[0].message).toContain('"CONTEXTUAL", "AUDIENCE"');
    }
    const res = await expectRejected({
      json: validGroup({ segment_subgroup: [{ segment_operator: "and", segment_members: [member(101, "contextual")] }] }),
    });
    expect(errorsOf(res)).toEqual([
      { code: "invalid_value", field: "segment_subgroup[0].segment_operator" },
      { code: "invalid_value", field: "segment_subgroup[0].segment_members[0].segment_type" },
    ]);
  });

  it("wants safe positive integers, never strings, decimals or huge numbers", async () => {
    for (const bad of [0, -5, 1.5, "1234", 2 ** 53, 1e300, null, true]) {
      const res = await expectRejected({ json: validGroup({ organization_id: bad }) });
      expect(res.body.errors, JSON.stringify(bad)).toHaveLength(1);
      expect(res.body.errors[0].field).toBe("organization_id");
      expect(["invalid_type", "too_small", "too_large"]).toContain(res.body.errors[0].code);
    }
  });

  it("wants JSON booleans for status, never strings or numbers", async () => {
    for (const bad of ["true", 1, 0, "false", null]) {
      const res = await expectRejected({ json: validGroup({ status: bad }) });
      expect(errorsOf(res), JSON.stringify(bad)).toEqual([{ code: "invalid_type", field: "status" }]);
    }
  });

  it("wants a name of 1 to 255 characters that is not blank", async () => {
    expect(errorsOf(await expectRejected({ json: validGroup({ name: "" }) }))).toEqual([{ code: "too_short", field: "name" }]);
    expect(errorsOf(await expectRejected({ json: validGroup({ name: " \t\n " }) }))).toEqual([{ code: "blank", field: "name" }]);
    expect(errorsOf(await expectRejected({ json: validGroup({ name: "x".repeat(256) }) }))).toEqual([{ code: "too_long", field: "name" }]);
    expect(errorsOf(await expectRejected({ json: validGroup({ name: 42 }) }))).toEqual([{ code: "invalid_type", field: "name" }]);
    const ok = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup({ name: "x".repeat(255) }) });
    expect(ok.status, describeResponse(ok)).toBe(201);
  });

  it("wants at least one subgroup and at least one member in each", async () => {
    expect(errorsOf(await expectRejected({ json: validGroup({ segment_subgroup: [] }) }))).toEqual([
      { code: "too_short", field: "segment_subgroup" },
    ]);
    const res = await expectRejected({ json: validGroup({ segment_subgroup: [{ segment_operator: "OR", segment_members: [] }] }) });
    expect(errorsOf(res)).toEqual([{ code: "too_short", field: "segment_subgroup[0].segment_members" }]);
    expect(errorsOf(await expectRejected({ json: validGroup({ segment_subgroup: {} }) }))).toEqual([
      { code: "invalid_type", field: "segment_subgroup" },
    ]);
  });

  it("enforces the documented upper bounds", async () => {
    const subgroup = { segment_operator: "OR", segment_members: [member(101)] };
    expect(errorsOf(await expectRejected({ json: validGroup({ segment_subgroup: Array(101).fill(subgroup) }) }))).toEqual([
      { code: "too_long", field: "segment_subgroup" },
    ]);
    const members = Array.from({ length: 1001 }, (_, i) => member(i + 1));
    expect(
      errorsOf(await expectRejected({ json: validGroup({ segment_subgroup: [{ segment_operator: "OR", segment_members: members }] }) })),
    ).toEqual([{ code: "too_long", field: "segment_subgroup[0].segment_members" }]);
    const sixThousand = Array.from({ length: 6 }, (_, s) => ({
      segment_operator: "OR",
      segment_members: Array.from({ length: 1000 }, (_, i) => member(s * 1000 + i + 1)),
    }));
    expect(errorsOf(await expectRejected({ json: validGroup({ segment_subgroup: sixThousand }) }))).toEqual([
      { code: "too_long", field: "segment_subgroup" },
    ]);
  });

  it("rejects the same segment twice in one subgroup, pointing at the repeat", async () => {
    const res = await expectRejected({
      json: validGroup({
        name: "",
        segment_subgroup: [
          { segment_operator: "AND", segment_members: [member(101), member(201, "3P"), member(101), member(101, "3P"), member("x")] },
        ],
      }),
    });
    expect(errorsOf(res)).toEqual(
      expect.arrayContaining([
        { code: "too_short", field: "name" },
        { code: "duplicate_segment", field: "segment_subgroup[0].segment_members[2].segment_id" },
        { code: "invalid_type", field: "segment_subgroup[0].segment_members[4].segment_id" },
      ]),
    );
    expect(res.body.errors).toHaveLength(3);
    const duplicate = res.body.errors.find((e: { code: string }) => e.code === "duplicate_segment");
    expect(duplicate.message).toContain("segment_members[0]");
  });

  it("still reports duplicates and totals when a member id is a decimal", async () => {
    const res = await expectRejected({
      json: validGroup({
        segment_subgroup: [{ segment_operator: "AND", segment_members: [member(101), member(1.5), member(101)] }],
      }),
    });
    expect(errorsOf(res)).toEqual([
      { code: "invalid_type", field: "segment_subgroup[0].segment_members[1].segment_id" },
      { code: "duplicate_segment", field: "segment_subgroup[0].segment_members[2].segment_id" },
    ]);
  });

  it("rejects unknown fields at every level", async () => {
    const body = validGroup({ id: "abc", extra: 1 });
    (body.segment_subgroup[0] as Record<string, unknown>).note = "x";
    (body.segment_subgroup[0]!.segment_members[0] as Record<string, unknown>).weight = 2;
    const res = await expectRejected({ json: body });
    expect(errorsOf(res)).toEqual(
      expect.arrayContaining([
        { code: "unknown_field", field: "id" },
        { code: "unknown_field", field: "extra" },
        { code: "unknown_field", field: "segment_subgroup[0].note" },
        { code: "unknown_field", field: "segment_subgroup[0].segment_members[0].weight" },
      ]),
    );
    expect(res.body.errors).toHaveLength(4);
  });

  it("answers malformed JSON, an empty body and non-object bodies with 400 in the envelope", async () => {
    const malformed = await expectRejected({ rawBody: '{"name": "x",', headers: { "Content-Type": "application/json" } });
    expect(errorsOf(malformed)).toEqual([{ code: "malformed_json" }]);
    const latin1 = new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"n":"\xe9"}
    const notUtf8 = await expectRejected({ rawBody: latin1, headers: { "Content-Type": "application/json" } });
    expect(errorsOf(notUtf8)).toEqual([{ code: "malformed_json" }]);
    const empty = await expectRejected({ rawBody: "", headers: { "Content-Type": "application/json" } });
    expect(errorsOf(empty)).toEqual([{ code: "empty_body" }]);
    for (const body of ["[]", "null", "42", '"text"', "true"]) {
      const res = await expectRejected({ rawBody: body, headers: { "Content-Type": "application/json" } });
      expect(errorsOf(res), body).toEqual([{ code: "invalid_body" }]);
    }
  });

  it("refuses other media types with 415 before reading the body", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "application/vnd.api+json"]) {
      const res = await expectRejected({ rawBody: JSON.stringify(validGroup()), headers: { "Content-Type": type } }, 415);
      expect(errorsOf(res), type).toEqual([{ code: "unsupported_media_type" }]);
    }
    const missing = await expectRejected({ rawBody: JSON.stringify(validGroup()) }, 415);
    expect(errorsOf(missing)).toEqual([{ code: "unsupported_media_type" }]);
    const upper = await call("POST", "/segment_groups", {
      token: await tokenFor([ORG]),
      rawBody: JSON.stringify(validGroup()),
      headers: { "Content-Type": "Application/JSON" },
    });
    expect(upper.status, describeResponse(upper)).toBe(201);
  });

  it("refuses bodies over 1 MiB with 413, whether declared or streamed", async () => {
    const big = JSON.stringify(validGroup({ name: "x".repeat(1024 * 1024) }));
    const declared = await expectRejected({ rawBody: big, headers: { "Content-Type": "application/json" } }, 413);
    expect(errorsOf(declared)).toEqual([{ code: "payload_too_large" }]);

    const encoder = new TextEncoder();
    const chunk = encoder.encode(" ".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await call("POST", "/segment_groups", {
      token: await tokenFor([ORG]),
      rawBody: stream,
      headers: { "Content-Type": "application/json" },
      // Straight to the default export, in this isolate: through the runtime's pipe, the
      // Worker's (intended) cancel of the stream is printed by workerd as an exception.
      env: {},
    });
    expect(streamed.status, describeResponse(streamed)).toBe(413);
    expect(errorsOf(streamed)).toEqual([{ code: "payload_too_large" }]);

    // A declared length under the limit on a longer body (only an in-isolate caller can send
    // one; HTTP framing makes the length the body's) is measured once read.
    const understated = await call("POST", "/segment_groups", {
      token: await tokenFor([ORG]),
      rawBody: big,
      headers: { "Content-Type": "application/json", "Content-Length": "100" },
      env: {},
    });
    expect(understated.status, describeResponse(understated)).toBe(413);
  });
});
