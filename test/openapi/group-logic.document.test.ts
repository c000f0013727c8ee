import { describe, expect, it } from "vitest";
import { OPENAPI_DOCUMENT as doc } from "../helpers/contract";

const codes400 = (operation: any): string[] => {
  const errors = operation.responses["400"].content["application/json"].schema.properties.errors;
  return (errors.prefixItems?.[0] ?? errors.items).properties.code.enum;
};

describe("the OpenAPI document — group logic", () => {
  it("states the rules and the expression's grammar in its description", () => {
    const text: string = doc.info.description;
    for (const phrase of ["**Group logic.**", "`subgroup_operator`", "`exclude: true`", "`only_exclusions`", 'subgroup   = [ "NOT " ] "(" atom', "/evaluate", "dry_run=true"]) {
      expect(text).toContain(phrase);
    }
  });

  it("describes subgroup_operator, exclude and the read-only expression on every group", () => {
    const group = doc.components.schemas.SegmentGroup;
    expect(group.required).toEqual(expect.arrayContaining(["subgroup_operator", "segment_subgroup", "expression"]));
    expect(group.properties.subgroup_operator.enum).toEqual(["AND", "OR"]);
    expect(group.properties.segment_subgroup.items.required).toEqual(["segment_operator", "exclude", "segment_members"]);
    expect(group.properties.expression).toMatchObject({ type: "string", readOnly: true });
  });

  it("takes subgroup_operator and exclude as optional request fields with their defaults, and only_exclusions as a 400", () => {
    const create = doc.paths["/segment_groups"].post;
    const body = create.requestBody.content["application/json"].schema;
    expect(body.properties.subgroup_operator).toMatchObject({ enum: ["AND", "OR"], default: "AND" });
    expect(body.required).not.toContain("subgroup_operator");
    expect(body.properties.segment_subgroup.items.properties.exclude).toMatchObject({ type: "boolean", default: false });
    const patch = doc.paths["/segment_groups/{id}"].patch;
    expect(patch.requestBody.content["application/json"].schema.properties.subgroup_operator.enum).toEqual(["AND", "OR"]);
    expect(codes400(create)).toContain("only_exclusions");
    expect(codes400(patch)).toContain("only_exclusions");
  });

  it("documents dry_run on POST and PATCH, and the create's dry-run answer without an id", () => {
    for (const operation of [doc.paths["/segment_groups"].post, doc.paths["/segment_groups/{id}"].patch]) {
      expect(operation.parameters).toContainEqual(expect.objectContaining({ name: "dry_run", in: "query", required: false, schema: { type: "string", enum: ["true"] } }));
    }
    const preview = doc.paths["/segment_groups"].post.responses["200"].content["application/json"].schema.properties.data;
    expect(preview).toEqual({ $ref: "#/components/schemas/SegmentGroupDraft" });
    expect(doc.components.schemas.SegmentGroupDraft.properties).not.toHaveProperty("id");
    expect(doc.components.schemas.SegmentGroupDraft.required).toContain("expression");
  });

  it("documents POST /segment_groups/{id}/evaluate with read:segment_groups", () => {
    const evaluate = doc.paths["/segment_groups/{id}/evaluate"].post;
    expect(evaluate.security).toEqual([{ auth0: ["read:segment_groups"] }]);
    expect(evaluate.requestBody.content["application/json"].schema.properties.segments).toMatchObject({ type: "array", maxItems: 10_000 });
    expect(evaluate.responses["200"].content["application/json"].schema.properties.data).toEqual({ $ref: "#/components/schemas/SegmentGroupEvaluation" });
    expect(Object.keys(evaluate.responses)).toEqual(expect.arrayContaining(["400", "401", "403", "404"]));
  });
});
