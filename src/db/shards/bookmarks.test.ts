import { describe, expect, it } from "vitest";
import { decodeBookmarks, encodeBookmarks, SHARD_BOOKMARK_BYTES } from "./bookmarks";

const ONE = ["DB"];
const THREE = ["DB", "DB_2", "DB_APAC"];
const A = "00000000-00000003-00000000-00000000000000000000000000000001";
const B = "00000000-00000007-00000000-00000000000000000000000000000002";

describe("shard bookmarks", () => {
  it("are D1's own bookmark with DB alone, both ways", () => {
    expect(encodeBookmarks(new Map([["DB", A]]), ONE)).toBe(A);
    expect(decodeBookmarks(A, ONE)).toEqual(new Map([["DB", A]]));
    expect(encodeBookmarks(new Map(), ONE)).toBe("");
  });

  it("carry one entry per shard touched, in binding order, and read back exactly", () => {
    const text = encodeBookmarks(new Map([["DB_APAC", B], ["DB", A]]), THREE);
    expect(text).toBe(`sg-DB-${A.length}-${A}-DBAPAC-${B.length}-${B}`);
    expect(text).toMatch(/^[A-Za-z0-9-]+$/);
    expect(decodeBookmarks(text, THREE)).toEqual(new Map([["DB", A], ["DB_APAC", B]]));
  });

  it("read a bare D1 bookmark (issued before shards were added) as DB's", () => {
    expect(decodeBookmarks(A, THREE)).toEqual(new Map([["DB", A]]));
  });

  it("refuse what the API cannot have issued", () => {
    const good = encodeBookmarks(new Map([["DB_2", B]]), THREE);
    for (const text of [
      "sg-",
      "sg-DB9-3-abc", // no such shard
      `sg-DB2-${B.length + 1}-${B}`, // length past the end
      `sg-DB2-${B.length}-${B}-`, // trailing separator
      `sg-DB2-${B.length}-${B}x`, // no separator between entries
      `${good}-${good.slice(3)}`, // one shard twice
      "sg-DB2-0-", // empty bookmark
      `sg-DB2-${B.length}-${B}`.replace("-DB2-", "-DB_2-"),
      `sg-DB-${A.length}-${A}`, // sharded form with DB alone
    ]) {
      expect(decodeBookmarks(text, text === `sg-DB-${A.length}-${A}` ? ONE : THREE), text).toBeUndefined();
    }
    expect(decodeBookmarks(`sg-${"DB2-1-a-".repeat(400)}`.slice(0, -1), THREE)).toBeUndefined();
  });

  it("stay within the documented bound, 2 + 296 characters per shard, and are read back at that length", () => {
    expect(SHARD_BOOKMARK_BYTES).toBe(296);
    const longest = "f".repeat(256);
    const shards = ["DB", `DB_${"A".repeat(32)}`, `DB_${"B".repeat(32)}`];
    const text = encodeBookmarks(new Map(shards.map((s) => [s, longest])), shards);
    expect(text.length).toBe(2 + 296 * 2 + (1 + 2 + 1 + 3 + 1 + 256));
    expect(decodeBookmarks(text, shards)?.size).toBe(3);
    expect(decodeBookmarks(`${text}0`, shards)).toBeUndefined();
  });
});
