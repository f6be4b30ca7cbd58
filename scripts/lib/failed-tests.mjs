// Prints each failed test in the given TRX files with the first lines of its message, so that a red run's own output
// names what failed (CI shows only the end of the log). Usage: node scripts/lib/failed-tests.mjs out/test-results/dotnet/*.trx
import { readFileSync } from "node:fs";

const unescape = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

for (const file of process.argv.slice(2)) {
  const trx = readFileSync(file, "utf8");
  const results = trx.matchAll(/<UnitTestResult\b([^>]*?)(\/>|>([\s\S]*?)<\/UnitTestResult>)/g);
  for (const [, attributes, , body = ""] of results) {
    const outcome = /\boutcome="([^"]*)"/.exec(attributes)?.[1];
    if (outcome === "Passed" || outcome === "NotExecuted") continue;
    const name = unescape(/\btestName="([^"]*)"/.exec(attributes)?.[1] ?? "?");
    const message = unescape(/<Message>([\s\S]*?)<\/Message>/.exec(body)?.[1] ?? "");
    const stack = unescape(/<StackTrace>([\s\S]*?)<\/StackTrace>/.exec(body)?.[1] ?? "");
    console.log(`FAILED ${name} (${outcome})`);
    for (const line of [...message.split("\n").slice(0, 12), ...stack.split("\n").slice(0, 6)]) {
      if (line.trim()) console.log(`    ${line.trimEnd()}`);
    }
  }
}
