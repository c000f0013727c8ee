import { describe, expect, it } from "vitest";
import { sessionStart } from "./session";

const OLDER = "00000000-00000003-00000000-aaaa";
const NEWER = "00000000-00000004-00000000-bbbb";

describe("sessionStart", () => {
  it("starts a read at the newest of the client's bookmark and the one it must read at least (a cursor's)", () => {
    expect(sessionStart("GET", OLDER, { bookmark: NEWER, field: "cursor" })).toEqual({ constraint: NEWER, from: "cursor" });
    expect(sessionStart("GET", NEWER, { bookmark: OLDER, field: "cursor" })).toEqual({ constraint: NEWER, from: "x-d1-bookmark" });
    expect(sessionStart("GET", undefined, { bookmark: OLDER, field: "cursor" })).toEqual({ constraint: OLDER, from: "cursor" });
    expect(sessionStart("GET", undefined)).toEqual({ constraint: "first-unconstrained", from: undefined });
  });

  it("starts every write at the primary", () => {
    expect(sessionStart("POST", NEWER, { bookmark: NEWER, field: "cursor" })).toEqual({ constraint: "first-primary", from: undefined });
  });
});
