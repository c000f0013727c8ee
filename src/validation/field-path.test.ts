import { describe, expect, it } from "vitest";
import { fieldPath } from "./field-path";

describe("fieldPath", () => {
  it("joins names with dots and writes indexes in brackets", () => {
    expect(fieldPath(["segment_subgroup", 1, "segment_members", 0, "segment_id"])).toBe("segment_subgroup[1].segment_members[0].segment_id");
  });

  it("starts with an index when the path does", () => {
    expect(fieldPath([0, "name"])).toBe("[0].name");
  });

  it("is empty for the root", () => {
    expect(fieldPath([])).toBe("");
  });

  it("writes a name that looks like a number as a name, not an index", () => {
    expect(fieldPath(["items", "0"])).toBe("items.0");
  });
});
