import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { cursorParam, encodeCursor } from "./cursor";

const param = cursorParam(z.tuple([z.string(), z.int()]));
const decode = (cursor: string) => z.safeParse(param, cursor);
const base64url = (bytes: number[]) => btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

describe("encodeCursor / cursorParam", () => {
  it("round-trips a sort key, non-ASCII text included", () => {
    for (const key of [["a", 1], ["Café ☕ 𝄞", 9_007_199_254_740_991], ["", 0]] as const) {
      expect(decode(encodeCursor(key))).toMatchObject({ success: true, data: key });
    }
  });

  it("writes base64url without padding, so a cursor needs no escaping in a query string", () => {
    // Standard base64: WyJ+PyIsMV0= and WyI/Pz8iLDFd.
    expect(encodeCursor(["~?", 1])).toBe("WyJ-PyIsMV0");
    expect(encodeCursor(["???", 1])).toBe("WyI_Pz8iLDFd");
  });

  it("reads '-' and '_' back (the URL-safe alphabet)", () => {
    expect(decode("WyJ-PyIsMV0")).toMatchObject({ success: true, data: ["~?", 1] });
    expect(decode("WyI_Pz8iLDFd")).toMatchObject({ success: true, data: ["???", 1] });
  });

  it.each([
    ["empty", ""],
    ["outside the alphabet", "abc+def"],
    ["padded", `${encodeCursor(["a", 1])}=`],
    ["longer than 512 characters", "A".repeat(513)],
    ["not base64 (one character too many)", "abcde"],
    ["not JSON", base64url([..."not json"].map((ch) => ch.charCodeAt(0)))],
    // '["\xff",1]': a key of the right shape, but its bytes are not UTF-8.
    ["not UTF-8", base64url([0x5b, 0x22, 0xff, 0x22, 0x2c, 0x31, 0x5d])],
    ["another listing's key", encodeCursor([1, "a"])],
    ["a key of the wrong length", encodeCursor(["a", 1, 2])],
  ])("refuses a cursor that is %s with one invalid_value issue", (_, cursor) => {
    const result = decode(cursor);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ message: "is not a cursor from this listing; start again without it", params: { code: "invalid_value" } }),
    ]);
  });
});
