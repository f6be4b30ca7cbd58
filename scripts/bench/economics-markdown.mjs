#!/usr/bin/env node
// The economics benchmark's figures as the Markdown tables of docs/evaluation.md ("Does honesty pay?"), from the JSON
// the benchmark wrote:  node scripts/bench/economics-markdown.mjs [out/bench/economics.json] [--spec v3,v3-feat]
// 1. the goals each spec met (P) or failed (F), G1..G5, per dataset and pool;
// 2. per spec asked for with --spec: the best-paid cheating strategy, honest p = 0.7's mean, the share of p = 0.9 and
//    p = 0.8 curators who lost, and the worst group/alone ratio, per dataset and pool.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const specArg = args.indexOf('--spec');
const detailSpecs = specArg >= 0 ? args[specArg + 1].split(',') : [];
const file = args.find((a, i) => !a.startsWith('--') && (specArg < 0 || i !== specArg + 1)) ?? 'out/bench/economics.json';
const doc = JSON.parse(readFileSync(file, 'utf8'));
const labels = doc.specs.map((s) => s.label);
const cheats = new Set(['Free', 'Grind', 'Copy', 'Replica']);
const signed = (x, digits = 2) => (x == null ? 'n/a' : (x >= 0 ? '+' : '') + x.toFixed(digits));
const pct = (x) => (x == null ? 'n/a' : `${Math.round(x * 100)}%`);

console.log(`From \`${doc.command}\` (${Math.round(doc.wallSeconds)} s): goals met (P) or not (F), G1 to G5 in order.`);
console.log();
console.log(`| dataset, pool | ${labels.join(' | ')} |`);
console.log(`| --- |${labels.map(() => ' --- |').join('')}`);
for (const scope of doc.scopes) {
  const cells = labels.map((l) => {
    const s = scope.bySpec.find((b) => b.spec === l);
    return '`' + s.goals.map((g) => (g.pass ? 'P' : 'F')).join('') + '`';
  });
  console.log(`| ${scope.name} | ${cells.join(' | ')} |`);
}

for (const label of detailSpecs) {
  console.log();
  console.log(`${label}: the best-paid cheating strategy (mean profit per staked token), honest p = 0.7's mean, the share of honest p = 0.9 and p = 0.8 curators who lost money, and the worst group/alone ratio of copies, splits and replicas ("loses": the group lost money).`);
  console.log();
  console.log('| dataset, pool | best cheat | p = 0.7 mean | p = 0.9 lost | p = 0.8 lost | worst group |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const scope of doc.scopes) {
    const s = scope.bySpec.find((b) => b.spec === label);
    if (!s) throw new Error(`${file}: no spec column '${label}' (columns: ${labels.join(', ')})`);
    const fig = (name) => s.strategies.find((x) => x.strategy === name)?.figures;
    const best = s.strategies.filter((x) => cheats.has(x.group) && x.figures).sort((a, b) => b.figures.mean - a.figures.mean)[0];
    const worst = s.groups.filter((g) => g.markets > 0).sort((a, b) => (b.pairProfit - b.aloneProfit) - (a.pairProfit - a.aloneProfit))[0];
    const group = !worst ? '-' : worst.pairProfit < 0 ? `${worst.group}: loses` : worst.ratio == null ? `${worst.group}: n/a` : `${worst.group} ${worst.ratio.toFixed(2)}x`;
    console.log(`| ${scope.name} | ${best.strategy} ${signed(best.figures.mean)} | ${signed(fig('honest p=0.7')?.mean)} | ${pct(fig('honest p=0.9')?.shareLost)} | ${pct(fig('honest p=0.8')?.shareLost)} | ${group} |`);
  }
}
