import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { issuesToDetails } from "./issues-to-details";

const body = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(3)),
  count: z.number().check(z.gte(1), z.lt(10)),
  kind: z.enum(["A", "B"]),
  tags: z.optional(z.array(z.string()).check(z.minLength(1), z.maxLength(2))),
  nested: z.optional(z.array(z.strictObject({ id: z.int() }))),
  note: z.optional(z.string().check(z.refine((s) => s !== "x", { message: "must not be x", params: { code: "blank" } }))),
});

/** The details for `input` checked against `body`. */
function detailsFor(input: unknown) {
  const result = z.safeParse(body, input);
  if (result.success) throw new Error("expected the input to be refused");
  return issuesToDetails(result.error.issues, input);
}

const valid = { name: "ab", count: 1, kind: "A" };

describe("issuesToDetails", () => {
  it("reports a missing field as required, whatever check it would fail", () => {
    expect(detailsFor({ count: 1 })).toEqual([
      { code: "required", field: "name", message: "is required" },
      { code: "required", field: "kind", message: "is required" },
    ]);
  });

  it("names the JSON type that was sent", () => {
    expect(detailsFor({ ...valid, name: null })).toEqual([{ code: "invalid_type", field: "name", message: "must be a string, not null" }]);
    expect(detailsFor({ ...valid, name: ["a"] })).toEqual([{ code: "invalid_type", field: "name", message: "must be a string, not an array" }]);
    expect(detailsFor({ ...valid, count: "1" })).toEqual([{ code: "invalid_type", field: "count", message: "must be a number, not a string" }]);
    expect(detailsFor({ ...valid, nested: [{ id: 1.5 }] })).toEqual([
      { code: "invalid_type", field: "nested[0].id", message: "must be an integer, not a decimal number" },
    ]);
  });

  it("lists the allowed values of an enum", () => {
    expect(detailsFor({ ...valid, kind: "C" })).toEqual([{ code: "invalid_value", field: "kind", message: 'must be one of: "A", "B"' }]);
  });

  it("tells strings, arrays and numbers apart in size problems", () => {
    expect(detailsFor({ ...valid, name: "" })).toEqual([{ code: "too_short", field: "name", message: "must be at least 1 characters" }]);
    expect(detailsFor({ ...valid, name: "abcd" })).toEqual([{ code: "too_long", field: "name", message: "must be at most 3 characters" }]);
    expect(detailsFor({ ...valid, tags: [] })).toEqual([{ code: "too_short", field: "tags", message: "must have at least 1 item" }]);
    expect(detailsFor({ ...valid, tags: ["a", "b", "c"] })).toEqual([{ code: "too_long", field: "tags", message: "must have at most 2 items" }]);
    expect(detailsFor({ ...valid, count: 0 })).toEqual([{ code: "too_small", field: "count", message: "must be at least 1" }]);
    expect(detailsFor({ ...valid, count: 10 })).toEqual([{ code: "too_large", field: "count", message: "must be less than 10" }]);
  });

  it("reports each unknown field on its own, at its path", () => {
    expect(detailsFor({ ...valid, id: 1, nested: [{ id: 1, extra: true }], created_at: "x" })).toEqual([
      { code: "unknown_field", field: "nested[0].extra", message: "is not a known field" },
      { code: "unknown_field", field: "id", message: "is not a known field" },
      { code: "unknown_field", field: "created_at", message: "is not a known field" },
    ]);
  });

  it("keeps a refinement's own code and message", () => {
    expect(detailsFor({ ...valid, note: "x" })).toEqual([{ code: "blank", field: "note", message: "must not be x" }]);
  });

  it("reports every problem, in the order zod found them", () => {
    expect(detailsFor({ name: "", count: 0, kind: "C" }).map((d) => d.field)).toEqual(["name", "count", "kind"]);
  });

  it("turns a body that is not an object into one invalid_body without a field", () => {
    for (const input of [null, [], "text", 1, undefined]) {
      expect(detailsFor(input)).toEqual([{ code: "invalid_body", message: "The request body must be a JSON object." }]);
    }
  });

  it("keeps the message of a refinement of the whole body, without a field", () => {
    const atLeastOne = z.object({ a: z.optional(z.string()) }).check(
      z.refine((b) => b.a !== undefined, { message: "Send at least one of: a.", params: { code: "invalid_body" } }),
    );
    const result = z.safeParse(atLeastOne, {});
    expect(issuesToDetails(result.error!.issues, {})).toEqual([{ code: "invalid_body", message: "Send at least one of: a." }]);
  });

  it("never passes zod's own message through for an issue it does not know", () => {
    const issue = { code: "invalid_union", path: ["x"], message: "zod internals", errors: [], input: 1 } as unknown as z.core.$ZodIssue;
    expect(issuesToDetails([issue], { x: 1 })).toEqual([{ code: "invalid_value", field: "x", message: "is not valid" }]);
  });
});
