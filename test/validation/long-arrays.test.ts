import { beforeEach, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { withProblemsInsideLongArrays } from "../../src/validation/long-arrays";
import { OPENAPI_DOCUMENT } from "../helpers/contract";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { member, ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

async function expectRejected(method: string, path: string, json: unknown) {
  const before = await snapshotTables();
  const res = await call(method, path, { token: await tokenFor([ORG]), json });
  expect(res.status, describeResponse(res)).toBe(400);
  expect(await snapshotTables()).toEqual(before);
  return res;
}

const subgroup = (i: number) => ({ segment_operator: "OR", segment_members: [member(i + 1)] });

describe("an array over its maximum: its length, then the problems of its first maximum elements", () => {
  it("101 subgroups with a bad operator in the first: both problems", async () => {
    const subgroups = Array.from({ length: 101 }, (_, i) => subgroup(i));
    subgroups[0] = { segment_operator: "XOR", segment_members: [member(1)] };
    const res = await expectRejected("POST", "/segment_groups", validGroup({ segment_subgroup: subgroups }));
    expect(res.body.errors).toEqual([
      { code: "too_long", field: "segment_subgroup", message: "must have at most 100 items" },
      { code: "invalid_value", field: "segment_subgroup[0].segment_operator", message: 'must be one of: "AND", "OR"' },
    ]);
  });

  it("reads no element past the maximum", async () => {
    const subgroups: unknown[] = Array.from({ length: 150 }, (_, i) => subgroup(i));
    subgroups[99] = { segment_operator: "XOR", segment_members: [member(1)] };
    subgroups[100] = { segment_operator: "NAND", segment_members: [] };
    subgroups[149] = "not a subgroup";
    const res = await expectRejected("POST", "/segment_groups", validGroup({ segment_subgroup: subgroups }));
    expect(errorsOf(res)).toEqual([
      { code: "too_long", field: "segment_subgroup" },
      { code: "invalid_value", field: "segment_subgroup[99].segment_operator" },
    ]);
  });

  it("keeps the other fields' problems in place and the array's own rules over its first elements", async () => {
    const subgroups = Array.from({ length: 101 }, (_, i) => subgroup(i));
    subgroups[2] = { segment_operator: "AND", segment_members: [member(101), member(101)] };
    const res = await expectRejected("POST", "/segment_groups", validGroup({ name: "", segment_subgroup: subgroups, status: "yes" }));
    expect(errorsOf(res)).toEqual([
      { code: "too_short", field: "name" },
      { code: "invalid_type", field: "status" },
      { code: "too_long", field: "segment_subgroup" },
      { code: "duplicate_segment", field: "segment_subgroup[2].segment_members[1].segment_id" },
    ]);
  });

  it("looks into a too-long array nested in a too-long array, one level at a time", async () => {
    const members = Array.from({ length: 1001 }, (_, i) => member(i + 1));
    members[0] = member(0);
    const subgroups = [{ segment_operator: "OR", segment_members: members }, ...Array.from({ length: 100 }, (_, i) => subgroup(i))];
    const res = await expectRejected("POST", "/segment_groups", validGroup({ segment_subgroup: subgroups }));
    expect(errorsOf(res)).toEqual([
      { code: "too_long", field: "segment_subgroup" },
      { code: "too_long", field: "segment_subgroup[0].segment_members" },
      { code: "too_small", field: "segment_subgroup[0].segment_members[0].segment_id" },
    ]);
  });

  it("PATCH reports the same way", async () => {
    const created = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup() });
    expect(created.status, describeResponse(created)).toBe(201);
    const subgroups: object[] = Array.from({ length: 101 }, (_, i) => subgroup(i));
    subgroups[1] = { segment_operator: "OR", segment_members: [member("7")] };
    const res = await expectRejected("PATCH", `/segment_groups/${created.body.data.id}`, { segment_subgroup: subgroups });
    expect(errorsOf(res)).toEqual([
      { code: "too_long", field: "segment_subgroup" },
      { code: "invalid_type", field: "segment_subgroup[1].segment_members[0].segment_id" },
    ]);
  });

  it("POST /segments/bulk: 1,001 items with a blank name and a repeat among the first 1,000", async () => {
    const items = Array.from({ length: 1001 }, (_, i) => ({ segment_type: "3P", segment_id: 20_000 + i, name: `Bulk ${i}` }));
    items[0]!.name = " ";
    items[999] = { ...items[5]! };
    items[1000] = { ...items[6]! };
    const res = await expectRejected("POST", "/segments/bulk", { items });
    expect(errorsOf(res)).toEqual([
      { code: "too_long", field: "items" },
      { code: "blank", field: "items[0].name" },
      { code: "duplicate_segment", field: "items[999].segment_id" },
    ]);
  });
});

describe("withProblemsInsideLongArrays", () => {
  it("never reads an element past the maximum", async () => {
    const schema = z.strictObject({ list: z.array(z.string()).check(z.maxLength(3)) });
    const readPastMaximum: PropertyKey[] = [];
    const list = new Proxy(Array.from({ length: 10_000 }, (_, i) => i), {
      get(target, key, receiver) {
        if (typeof key === "string" && /^[0-9]+$/.test(key) && Number(key) >= 3) readPastMaximum.push(key);
        return Reflect.get(target, key, receiver);
      },
    });
    const input = { list };
    const first = z.safeParse(schema, input);
    const issues = await withProblemsInsideLongArrays(schema, input, first.error!.issues);
    expect(issues.map((issue) => `${issue.code} ${issue.path.join(".")}`)).toEqual(["too_big list", "invalid_type list.0", "invalid_type list.1", "invalid_type list.2"]);
    expect(readPastMaximum).toEqual([]);
  });
});

it("the API reference states the bound next to 'every problem at once'", () => {
  expect(OPENAPI_DOCUMENT.info.description).toMatch(/every problem at once;.*One bound: an array over its maximum length is reported as\s+`too_long`, followed by the problems of its first maximum elements/s);
});
