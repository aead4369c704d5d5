import assert from "node:assert/strict";
import { test } from "node:test";
import { pluginLookup } from "../../runner/source/plugin-lookup.ts";

test("a plugin lookup keeps what it found, and asks again after a miss or a failure", async () => {
  const asked: string[] = [];
  const answers: (() => Promise<string | undefined>)[] = [
    () => Promise.reject(new Error("the registry is down")),
    () => Promise.resolve(undefined),
    () => Promise.resolve("found"),
  ];
  const lookup = pluginLookup((name) => {
    asked.push(name);
    return (answers.shift() ?? (() => Promise.reject(new Error("asked once too often"))))();
  });
  // Two callers during the failing lookup share it.
  const [first, second] = await Promise.allSettled([lookup("cost-aws"), lookup("cost-aws")]);
  assert.equal(first.status, "rejected");
  assert.equal(second.status, "rejected");
  assert.equal(asked.length, 1);
  // The failure was not kept: the next call asks again (a miss now), then again (found).
  assert.equal(await lookup("cost-aws"), undefined);
  assert.equal(await lookup("cost-aws"), "found");
  // What was found is kept: no fourth question.
  assert.equal(await lookup("cost-aws"), "found");
  assert.deepEqual(asked, ["cost-aws", "cost-aws", "cost-aws"]);
  // A name that cannot be a plugin's is never looked up.
  assert.equal(await lookup("../x"), undefined);
  assert.equal(asked.length, 3);
});
