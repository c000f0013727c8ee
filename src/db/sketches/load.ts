import type { GroupLogic } from "../../logic/group-logic";
import { decodeCompactThetaSketch, type SketchLoader, type ThetaSketch } from "../../sketch";
import type { Database } from "../database";
import { sketchOfMemberSql, type ReachInputs } from "./reach-inputs";
import { bytesFromHex } from "./row";

/** The most sketch bytes one chunk reads (its hex text is twice that), and the most members. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
export const CHUNK_MEMBERS = 100;

/** Loads the chunk's sketches (?1: `[[type, id], ...]`) of organization ?2's members, in order. */
export const LOAD_MEMBER_SKETCHES = `SELECT m.key AS i, hex(k.sketch) AS sketch_hex FROM json_each(?1) AS m
  LEFT JOIN ${sketchOfMemberSql("m.value ->> 0", "m.value ->> 1", "?2")}
  ORDER BY m.key`;
const LOAD_UNIVERSE = "SELECT hex(sketch) AS sketch_hex FROM universe_sketch WHERE id = 1";

/** A member's sketch was deleted between the reach's first read and its loading. */
export class SketchGoneError extends Error {
  override readonly name = "SketchGoneError";
  readonly subgroup: number;
  readonly member: number;
  constructor(subgroup: number, member: number) {
    super(`the sketch of segment_subgroup[${subgroup}].segment_members[${member}] was deleted during the reach`);
    this.subgroup = subgroup;
    this.member = member;
  }
}

/**
 * The plan's sketches from D1, read ahead in chunks in the plan's own order (at most
 * CHUNK_BYTES and CHUNK_MEMBERS each): 1,000 members of 32 KB are ~8 queries, and memory holds
 * one chunk's bytes, never every sketch. Each is decoded when the plan asks for it and dropped
 * once used. `inputs` gives the sizes that cut the chunks.
 */
export function storedSketchLoader(db: Database, group: GroupLogic, organizationId: number, inputs: ReachInputs): SketchLoader & { chunks: number } {
  const sizes = new Map(inputs.members.map((m) => [positionKey(m.subgroup, m.member), m.byte_length ?? 0]));
  const order = loadOrder(group);
  const positionOf = new Map(order.map(([subgroup, member], index) => [positionKey(subgroup, member), index]));
  let chunk = new Map<number, string | null>();
  const loader = {
    chunks: 0,
    async member(_segment: unknown, subgroup: number, member: number): Promise<ThetaSketch> {
      const position = positionOf.get(positionKey(subgroup, member))!;
      if (!chunk.has(position)) chunk = await readChunk(position);
      const hex = chunk.get(position);
      chunk.delete(position);
      if (hex === null || hex === undefined) throw new SketchGoneError(subgroup, member);
      return decodeCompactThetaSketch(bytesFromHex(hex));
    },
    async universe(): Promise<ThetaSketch | undefined> {
      const row = await db.first<{ sketch_hex: string }>(db.statement(LOAD_UNIVERSE));
      return row ? decodeCompactThetaSketch(bytesFromHex(row.sketch_hex)) : undefined;
    },
  };

  async function readChunk(from: number): Promise<Map<number, string | null>> {
    const keys: [string, number][] = [];
    let bytes = 0;
    for (let p = from; p < order.length && keys.length < CHUNK_MEMBERS; p++) {
      const [subgroup, member] = order[p]!;
      const size = sizes.get(positionKey(subgroup, member)) ?? 0;
      if (keys.length > 0 && bytes + size > CHUNK_BYTES) break;
      bytes += size;
      const { segment_type, segment_id } = group.segment_subgroup[subgroup]!.segment_members[member]!;
      keys.push([segment_type, segment_id]);
    }
    loader.chunks++;
    const rows = await db.all<{ i: number; sketch_hex: string | null }>(db.statement(LOAD_MEMBER_SKETCHES, JSON.stringify(keys), organizationId));
    return new Map(rows.map((row) => [from + row.i, row.sketch_hex]));
  }
  return loader;
}

// The order estimateGroupReach asks for members: an AND group's included subgroups, then its
// excluded ones; an OR group's subgroups as they come; each subgroup's members in order.
function loadOrder(group: GroupLogic): [number, number][] {
  const indexes = group.segment_subgroup.map((_, index) => index);
  const ordered =
    group.subgroup_operator === "AND"
      ? [...indexes.filter((i) => !group.segment_subgroup[i]!.exclude), ...indexes.filter((i) => group.segment_subgroup[i]!.exclude)]
      : indexes;
  return ordered.flatMap((subgroup) => group.segment_subgroup[subgroup]!.segment_members.map((_, member) => [subgroup, member] as [number, number]));
}

const positionKey = (subgroup: number, member: number) => `${subgroup}:${member}`;
