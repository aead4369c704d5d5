import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { commands } from "../../cli/commands.ts";
import { CODES } from "../../core/codes/codes.ts";
import { toErrorDocument } from "../../core/error-document.ts";
import { RunnerError } from "../../runner/errors.ts";
import { runCli } from "./helpers/in-process.ts";

/** Runs the CLI in this process with captured output. */
const cli = (...argv: string[]) => runCli(argv, { env: { HOME: tmpdir() } });

describe("every command", () => {
  for (const command of commands) {
    test(`${command.name}: --help documents every option, --format and the exit statuses`, async () => {
      const r = await cli(command.name, "--help");
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: finfocus-registry ${command.name}\\b`));
      for (const option of [...Object.keys(command.options), "format", "help"]) {
        assert.match(r.stdout, new RegExp(`\\n  --${option}\\b`), `--${option} undocumented`);
      }
      assert.match(r.stdout, /\nExit status: 0 /);
    });

    test(`${command.name}: an unknown flag is one line naming it, pointing to --help (exit 2)`, async () => {
      const r = await cli(command.name, "--frobnicate");
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.equal(
        r.stderr,
        `finfocus-registry ${command.name}: unknown option '--frobnicate'; see 'finfocus-registry ${command.name} --help'\n`,
      );
    });

    test(`${command.name}: --format json turns a usage error into the spec's error document`, async () => {
      for (const argv of [
        [command.name, "--format", "json", "-z"],
        [command.name, "--frobnicate", "--format=json"],
      ]) {
        const r = await cli(...argv);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, "");
        const body = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(body), ["code", "message", "details"]);
        assert.equal(body.code, "USAGE");
        assert.match(body.message, /unknown option '(-z|--frobnicate)'/);
      }
    });

    test(`${command.name}: --format takes text or json only`, async () => {
      const r = await cli(command.name, "--format", "yaml");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--format must be text or json/);
    });
  }
});

test("a value that starts with '-' after a space says how to write it (parseArgs takes it for an option)", async () => {
  const r = await cli("health", "--watch", "--count", "-1");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--count -1: a value that starts with '-' is written --count=-1/);
  const written = await cli("health", "--watch", "--count=-1");
  assert.equal(written.code, 2);
  assert.match(written.stderr, /--count takes a number/);
});

test("an option missing its value, and an argument where none is taken, are usage errors", async () => {
  const missing = await cli("build", "--registry");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^finfocus-registry build: option '--registry <value>' argument missing; see/);
  const extra = await cli("build", "somewhere", "--format", "json");
  assert.equal(extra.code, 2);
  assert.equal(JSON.parse(extra.stdout).code, "USAGE");
});

test("I/O errors are reported in the format asked for, exit 2", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ffr-cli-"));
  try {
    const missing = path.join(dir, "missing.json");
    const validate = await cli("validate", missing, "--format", "json");
    assert.equal(validate.code, 2);
    assert.equal(JSON.parse(validate.stdout).code, "FILE_UNREADABLE");
    const verify = await cli(
      "verify",
      "--artifact",
      missing,
      "--checksum",
      `sha256:${"0".repeat(64)}`,
      "--format=json",
    );
    assert.equal(verify.code, 2);
    assert.deepEqual(JSON.parse(verify.stdout).details, { file: missing, reason: "missing" });
    const text = await cli("verify", "--artifact", missing, "--checksum", `sha256:${"0".repeat(64)}`);
    assert.match(
      text.stderr,
      /^finfocus-registry verify: FILE_UNREADABLE: cannot read the artifact .*: no such file \(ENOENT\): check the path\n$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the top level: --help, --version from package.json, unknown commands, help COMMAND", async () => {
  const version = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
  assert.equal((await cli("--version")).stdout, `${version}\n`);
  assert.deepEqual(JSON.parse((await cli("--version", "--format", "json")).stdout), { version });
  const none = await cli();
  assert.equal(none.code, 2);
  assert.match(none.stdout, /Commands:\n {2}validate/);
  const unknown = await cli("frobnicate", "--format", "json");
  assert.equal(unknown.code, 2);
  assert.equal(JSON.parse(unknown.stdout).code, "USAGE");
  const help = await cli("help", "install");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: finfocus-registry install NAME/);
  assert.equal((await cli("help", "frobnicate")).code, 2);
});

test("errors map to the catalogue's code and exit status; the rest are I/O or internal errors", () => {
  const refused = toErrorDocument(new RunnerError("PLUGIN_NOT_FOUND", "no", { name: "x" }));
  assert.deepEqual(refused, {
    code: "PLUGIN_NOT_FOUND",
    message: "no",
    details: { name: "x", plugin_name: "x" },
  });
  assert.equal(CODES.PLUGIN_NOT_FOUND.exit, 1);
  const io = Object.assign(new Error("EACCES: permission denied, open '/x'"), {
    code: "EACCES",
    syscall: "open",
    path: "/x",
  });
  assert.deepEqual(toErrorDocument(io).details, { errno: "EACCES", path: "/x" });
  assert.equal(toErrorDocument(io).code, "IO_ERROR");
  assert.equal(toErrorDocument(new TypeError("x is undefined")).code, "INTERNAL_ERROR");
  assert.equal(toErrorDocument({ code: "NOT_A_CODE" }).code, "INTERNAL_ERROR");
});
