#!/usr/bin/env node
// The CLI is written in TypeScript and run by Node 24's built-in type stripping.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(
    `finfocus-registry needs Node 24 or newer (this is ${process.version}).\n` +
      "Run it through npm (`npx finfocus-registry`, `npm start`), which uses the Node 24 installed by `npm ci`,\n" +
      "or install Node 24 and put it first on your PATH.\n",
  );
  process.exit(2);
}
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
