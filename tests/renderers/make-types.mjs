// Writes the TypeScript declarations of the files a client fetches, from their JSON Schema:
//   node make-types.mjs <schema.json> <out.d.ts>
import { readFileSync, writeFileSync } from "node:fs";
import { compile } from "json-schema-to-typescript";

const [schemaPath, outPath] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const banner = "/* Generated from the pipeline's client models by `make types`; do not edit. */";
const text = await compile(schema, "ClientFiles", {
  bannerComment: banner,
  additionalProperties: false,
  declareExternallyReferenced: true,
  enableConstEnums: false,
  strictIndexSignatures: true,
  unreachableDefinitions: false,
  ignoreMinAndMaxItems: true,
  format: true,
  style: { printWidth: 100 },
});
writeFileSync(outPath, text);
