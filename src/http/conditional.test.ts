import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { acceptedVersions, etagHeader, notModified, preconditionFailed } from "./conditional";

/** The 400 a malformed header gets, as `{status, details}`. */
function rejection(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, details: err.details };
    throw err;
  }
  throw new Error("expected an ApiError");
}

describe("etagHeader", () => {
  it("quotes the stored tag as a strong entity tag", () => {
    expect(etagHeader("v7-abc")).toBe('"v7-abc"');
  });
});

describe("acceptedVersions (If-Match, strong comparison)", () => {
  it("is unconditional without the header or with '*'", () => {
    expect(acceptedVersions(undefined)).toBeNull();
    expect(acceptedVersions("*")).toBeNull();
    expect(acceptedVersions("  *  ")).toBeNull();
  });

  it("lists the strong tags, in order, whitespace around them ignored", () => {
    expect(acceptedVersions('"a"')).toEqual(["a"]);
    expect(acceptedVersions(' "a" ,"b",  "c" ')).toEqual(["a", "b", "c"]);
    expect(acceptedVersions('""')).toEqual([""]);
  });

  it("drops weak tags: they never match for If-Match, so only weak tags accept nothing (412)", () => {
    expect(acceptedVersions('W/"a", "b"')).toEqual(["b"]);
    expect(acceptedVersions('W/"a"')).toEqual([]);
  });

  it("accepts 20 tags and refuses 21", () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `"t${i}"`).join(", ");
    expect(acceptedVersions(tags(20))).toHaveLength(20);
    expect(rejection(() => acceptedVersions(tags(21))).status).toBe(400);
  });

  it.each([
    ["an unquoted tag", "abc"],
    ["an unterminated quote", '"abc'],
    ["a quote inside the tag", '"a"b"'],
    ["a space inside the tag", '"a b"'],
    ["a lower-case weak prefix", 'w/"a"'],
    ["an empty list item", '"a",,"b"'],
    ["a trailing comma", '"a",'],
    ["'*' inside a list", '"a", *'],
    ["an empty header", ""],
  ])("refuses %s with 400 invalid_value on If-Match", (_, header) => {
    expect(rejection(() => acceptedVersions(header))).toEqual({
      status: 400,
      details: [{ code: "invalid_value", field: "If-Match", message: 'must be "*" or a list of at most 20 quoted entity tags' }],
    });
  });
});

describe("notModified (If-None-Match, weak comparison)", () => {
  it("is false without the header and true for '*'", () => {
    expect(notModified(undefined, "a")).toBe(false);
    expect(notModified("*", "a")).toBe(true);
    expect(notModified(" * ", "a")).toBe(true);
  });

  it("matches the current tag anywhere in the list, strong or weak", () => {
    expect(notModified('"a"', "a")).toBe(true);
    expect(notModified('W/"a"', "a")).toBe(true);
    expect(notModified('"x", W/"a"', "a")).toBe(true);
  });

  it("does not match another tag, nor one that merely starts with the current one", () => {
    expect(notModified('"b"', "a")).toBe(false);
    expect(notModified('"ab"', "a")).toBe(false);
    expect(notModified('"x", W/"y"', "a")).toBe(false);
  });

  it("refuses a malformed header with 400 invalid_value on If-None-Match", () => {
    expect(rejection(() => notModified("a", "a"))).toEqual({
      status: 400,
      details: [{ code: "invalid_value", field: "If-None-Match", message: 'must be "*" or a list of at most 20 quoted entity tags' }],
    });
  });
});

describe("preconditionFailed", () => {
  it("is a 412 precondition_failed on If-Match", () => {
    const error = preconditionFailed();
    expect(error.status).toBe(412);
    expect(error.details).toEqual([{ code: "precondition_failed", field: "If-Match", message: expect.stringContaining("Fetch it again") }]);
  });
});
