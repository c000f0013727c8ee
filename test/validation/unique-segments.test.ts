import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { rejectRepeatedSegments } from "../../src/validation/unique-segments";

const members = z.array(z.unknown()).check(z.superRefine(rejectRepeatedSegments((first) => `repeats items[${first}]`)));
const issuesOf = (value: unknown[]) => {
  const result = members.safeParse(value);
  return result.success ? [] : result.error.issues.map(({ path, message }) => ({ path, message }));
};

describe("rejectRepeatedSegments", () => {
  it("reports each repeat of a (type, id) pair, naming the first element", () => {
    expect(
      issuesOf([
        { segment_type: "3P", segment_id: 101 },
        { segment_type: "CONTEXTUAL", segment_id: 101 },
        { segment_type: "3P", segment_id: 101 },
        { segment_type: "CONTEXTUAL", segment_id: 102 },
        { segment_type: "CONTEXTUAL", segment_id: 101 },
        { segment_type: "3P", segment_id: 101 },
      ]),
    ).toEqual([
      { path: [2, "segment_id"], message: "repeats items[0]" },
      { path: [4, "segment_id"], message: "repeats items[1]" },
      { path: [5, "segment_id"], message: "repeats items[0]" },
    ]);
  });

  it("tells the same id of two types apart, and skips malformed elements", () => {
    expect(
      issuesOf([
        { segment_type: "3P", segment_id: 7 },
        { segment_type: "CONTEXTUAL", segment_id: 7 },
        { segment_type: "3P", segment_id: "7" },
        null,
        { segment_id: 7 },
      ]),
    ).toEqual([]);
  });
});
