// Validates Kubernetes manifests against the Kubernetes API's OpenAPI schemas, as compiled into the
// kubernetes-models package (types, required fields, enums, formats; not unknown fields).
//   BERTH_NODE_MODULES=.ci/tools/node_modules node validate-kubernetes.mjs FILE...
// Prints one line per object; exits 1 when any object is invalid or of a kind it does not know.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(`${process.env.BERTH_NODE_MODULES}/`);
const YAML = require("yaml");
let failed = false;

for (const file of process.argv.slice(2)) {
  for (const document of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      console.log(`${file}: not YAML: ${document.errors[0].message}`);
      failed = true;
      continue;
    }
    const object = document.toJS();
    if (object === null) {
      continue;
    }
    const { apiVersion, kind } = object;
    const name = `${file}: ${kind} ${object.metadata?.name ?? ""}`;
    if (apiVersion === "kustomize.config.k8s.io/v1beta1") {
      console.log(`${name}: kustomize's own file, not an API object: not checked`);
      continue;
    }
    let model;
    try {
      model = require(`kubernetes-models/${apiVersion === "v1" ? "v1" : apiVersion}/${kind}`)[kind];
    } catch (error) {
      console.log(`${name}: unknown apiVersion/kind ${apiVersion}/${kind}`);
      failed = true;
      continue;
    }
    try {
      new model(object).validate();
      console.log(`${name}: valid`);
    } catch (error) {
      console.log(`${name}: INVALID: ${error.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
