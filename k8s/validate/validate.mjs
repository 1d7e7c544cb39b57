// Validates every document of rendered manifests (stdin, as `kubectl kustomize` prints them) against the schema of
// its apiVersion and kind from kubernetes-models: wrong types, bad enums, missing required fields and unknown
// kinds or apiVersions fail. Prints one line per document; exits 1 if any is invalid.
// Usage: kubectl kustomize k8s/overlays/example | node k8s/validate/validate.mjs
import { parseAllDocuments } from 'yaml';

let input = '';
for await (const chunk of process.stdin) input += chunk;

let failed = 0;
for (const doc of parseAllDocuments(input)) {
  const obj = doc.toJSON();
  if (!obj) continue;
  const id = `${obj.apiVersion} ${obj.kind}/${obj.metadata?.name}`;
  try {
    // kubernetes-models/<apiVersion>/<Kind>, e.g. kubernetes-models/apps/v1/Deployment, kubernetes-models/v1/Service
    const module = await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`).catch(() => null);
    if (!module || !module[obj.kind]) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind} (removed or misspelled?)`);
    new module[obj.kind](obj).validate();
    console.log(`valid   ${id}`);
  } catch (e) {
    failed++;
    console.log(`INVALID ${id}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
