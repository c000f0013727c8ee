import { PRIMARY_SHARD } from "./bindings";

/**
 * One opaque `x-d1-bookmark` for all the shards a client touched: with `DB` alone it is D1's
 * own bookmark, exactly as before shards existed; with several it is
 * `sg-<shard>-<length>-<bookmark>[-<shard>-<length>-<bookmark>...]`, one entry per shard in
 * binding order, where `<shard>` is the binding's name without its `_` (`DB`, `DB2`, `DBAPAC`).
 * Letters, digits and `-` only, at most SHARD_BOOKMARK_BYTES per shard (docs/api.md,
 * "Read your writes"). A bare D1 bookmark still names `DB`'s place, so bookmarks issued before
 * shards were added keep working.
 */
export type Bookmarks = ReadonlyMap<string, string>;

const PREFIX = "sg";
/** D1's own bookmarks: hyphenated hex; at most this long as the API accepts them. */
export const D1_BOOKMARK = /^[A-Za-z0-9-]{1,256}$/;
/** The longest entry of one shard: `-`, a shard name of up to 34 characters (`DB` and 32), `-`, a 3-digit length, `-`, 256 characters. */
export const SHARD_BOOKMARK_BYTES = 1 + 34 + 1 + 3 + 1 + 256;

const tokenOf = (shard: string) => shard.replace("_", "");

/** The header (or cursor) value for `bookmarks`, whose keys are shards of `shards`. "" when empty. */
export function encodeBookmarks(bookmarks: Bookmarks, shards: readonly string[]): string {
  if (shards.length === 1) return bookmarks.get(PRIMARY_SHARD) ?? "";
  const entries = shards.filter((s) => bookmarks.has(s)).map((s) => `${tokenOf(s)}-${bookmarks.get(s)!.length}-${bookmarks.get(s)}`);
  return entries.length === 0 ? "" : `${PREFIX}-${entries.join("-")}`;
}

/** The bookmark of each shard `text` names, or undefined when the API cannot have issued it. */
export function decodeBookmarks(text: string, shards: readonly string[]): Map<string, string> | undefined {
  if (D1_BOOKMARK.test(text) && !text.startsWith(`${PREFIX}-`)) return new Map([[PRIMARY_SHARD, text]]);
  if (shards.length === 1 || text.length > PREFIX.length + SHARD_BOOKMARK_BYTES * shards.length) return undefined;
  const byToken = new Map(shards.map((s) => [tokenOf(s), s]));
  const bookmarks = new Map<string, string>();
  let at = PREFIX.length + 1;
  while (at <= text.length) {
    const entry = /^([A-Za-z0-9]+)-([1-9][0-9]{0,2})-/.exec(text.slice(at));
    const shard = entry ? byToken.get(entry[1]!) : undefined;
    if (!entry || shard === undefined || bookmarks.has(shard)) return undefined;
    const start = at + entry[0].length;
    const bookmark = text.slice(start, start + Number(entry[2]));
    if (bookmark.length !== Number(entry[2]) || !D1_BOOKMARK.test(bookmark)) return undefined;
    bookmarks.set(shard, bookmark);
    at = start + bookmark.length;
    if (at === text.length) return bookmarks;
    if (text[at] !== "-") return undefined;
    at += 1;
  }
  return undefined;
}
