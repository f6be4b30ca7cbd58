// Writes the cross-language test vectors in tests/vectors/ from independent JavaScript
// implementations: @openzeppelin/merkle-tree (the reference for leaves, roots and proofs),
// @metamask/abi-utils for abi.encode, ethereum-cryptography for keccak256 and secp256k1, and the
// payout arithmetic of PROTOCOL.md written again here in BigInt. The Foundry and xunit tests read
// the same files, so Solidity, C# and this reference must agree bit for bit.
//   node scripts/vectors/generate.mjs     (the output is committed; re-run only to add cases)
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { encode } from '@metamask/abi-utils';
import { keccak256 } from 'ethereum-cryptography/keccak.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from 'ethereum-cryptography/utils.js';

const require = createRequire(import.meta.url);
const { secp256k1 } = require('ethereum-cryptography/secp256k1');

const out = new URL('../../tests/vectors/', import.meta.url);
const hex = (bytes) => '0x' + bytesToHex(bytes);
const k = (bytes) => keccak256(bytes);
// scoreBps of the remainder leaf (ConstantsLib.SPONSOR_LEAF_SCORE): no curator score can take it.
const SPONSOR_LEAF_SCORE = -2147483648;
// The remainder leaf's account (ConstantsLib.BURN_ADDRESS): the remainder is burned, never paid to the sponsor.
const BURN_ADDRESS = '0x000000000000000000000000000000000000dEaD';
const kHex = (types, values) => hex(k(encode(types, values)));
const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));

// Deterministic pseudo-random inputs: keccak chains from a label, so the vectors never change by accident.
const det = (label, i) => k(utf8ToBytes(`${label}:${i}`));
const detHex = (label, i) => hex(det(label, i));
const detAddress = (label, i) => '0x' + bytesToHex(det(label, i)).slice(24);
const detUint = (label, i, bits) => BigInt(detHex(label, i)) >> BigInt(256 - bits);

function write(name, value) {
  const json = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n';
  writeFileSync(new URL(name, out), json);
  console.log(`wrote tests/vectors/${name}`);
}

// ---- commitments ---------------------------------------------------------------------------------
const labelCommitments = [...Array(8).keys()].map((i) => {
  const c = {
    marketId: (i === 0 ? 0n : i === 1 ? (1n << 256n) - 1n : detUint('market', i, 64)).toString(),
    curator: detAddress('curator', i),
    labelsHash: detHex('labels', i),
    salt: detHex('salt', i),
  };
  c.commitment = kHex(['uint256', 'address', 'bytes32', 'bytes32'], [c.marketId, c.curator, c.labelsHash, c.salt]);
  return c;
});
const goldCommitments = [...Array(4).keys()].map((i) => {
  const c = { goldHash: detHex('gold', i), salt: detHex('goldsalt', i) };
  c.commitment = kHex(['bytes32', 'bytes32'], [c.goldHash, c.salt]);
  return c;
});
// File hashes are keccak256 of the exact bytes, including the final newline.
const fileHashes = ['', '{"id":"t1","pref":"a"}\n', '{"id":"t1","pref":"a"}\n{"id":"t2","pref":"b"}\n', 'ünïcödé ✓\n'].map(
  (text) => ({ utf8: text, hash: hex(k(utf8ToBytes(text))) }),
);
write('commitments.json', { labels: labelCommitments, gold: goldCommitments, files: fileHashes });

// ---- EIP-712 reports -----------------------------------------------------------------------------
const REPORT_TYPE =
  'Report(uint256 marketId,uint32 round,bytes32 resultsRoot,uint256 totalPayout,bytes32 scoresHash,bytes32 metricsHash)';
const DOMAIN_TYPE = 'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)';
// anvil's first dev accounts (public test mnemonic): the signatures below are RFC 6979 deterministic.
const devKeys = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
];
const addressOf = (key) =>
  '0x' + bytesToHex(k(secp256k1.getPublicKey(hexToBytes(key.slice(2)), false).slice(1))).slice(24);

function reportVectors(chainId, verifyingContract) {
  const domainSeparator = k(
    encode(
      ['bytes32', 'bytes32', 'bytes32', 'uint256', 'address'],
      [k(utf8ToBytes(DOMAIN_TYPE)), k(utf8ToBytes('FeedbackMarket')), k(utf8ToBytes('1')), chainId, verifyingContract],
    ),
  );
  const reportTypeHash = k(utf8ToBytes(REPORT_TYPE));
  const cases = [...Array(5).keys()].map((i) => {
    const r = {
      marketId: (i === 0 ? 1n : detUint('rmarket', i, 128)).toString(),
      round: Number(i === 4 ? 4294967295n : detUint('round', i, 8)),
      resultsRoot: detHex('root', i),
      totalPayout: (i === 0 ? 0n : detUint('total', i, 200)).toString(),
      scoresHash: detHex('scores', i),
      metricsHash: detHex('metrics', i),
    };
    const structHash = k(
      encode(
        ['bytes32', 'uint256', 'uint32', 'bytes32', 'uint256', 'bytes32', 'bytes32'],
        [reportTypeHash, r.marketId, r.round, r.resultsRoot, r.totalPayout, r.scoresHash, r.metricsHash],
      ),
    );
    const digest = k(concat(hexToBytes('1901'), domainSeparator, structHash));
    const signer = devKeys[i % devKeys.length];
    const sig = secp256k1.sign(digest, hexToBytes(signer.slice(2)));
    const signature =
      '0x' + sig.r.toString(16).padStart(64, '0') + sig.s.toString(16).padStart(64, '0') + (27 + sig.recovery).toString(16);
    return { report: r, structHash: hex(structHash), digest: hex(digest), signerKey: signer, signer: addressOf(signer), signature };
  });
  return {
    chainId,
    verifyingContract,
    reportType: REPORT_TYPE,
    reportTypeHash: hex(reportTypeHash),
    domainSeparator: hex(domainSeparator),
    cases,
  };
}
write('reports.json', {
  domains: [reportVectors(31337, '0x5FbDB2315678afecb367f032d93F642f64180aa3'.toLowerCase()), reportVectors(1, detAddress('market-contract', 1))],
});

// ---- payout leaves and Merkle trees ----------------------------------------------------------------
const LEAF_TYPES = ['uint256', 'address', 'uint256', 'int32'];
function treeVector(marketId, leaves) {
  const tree = StandardMerkleTree.of(
    leaves.map((l) => [l.marketId, l.account, l.amount, l.scoreBps]),
    LEAF_TYPES,
  );
  return {
    root: tree.root,
    leaves: [...tree.entries()].map(([i, v]) => ({
      marketId: v[0],
      account: v[1],
      amount: v[2],
      scoreBps: v[3],
      hash: tree.leafHash(v),
      proof: tree.getProof(i),
    })),
  };
}
const trees = [1, 2, 3, 5, 8, 13].map((n) =>
  treeVector(
    n,
    [...Array(n).keys()].map((i) => ({
      marketId: String(n),
      account: detAddress(`leaf-${n}`, i),
      amount: detUint(`amount-${n}`, i, i % 3 === 0 ? 64 : 180).toString(),
      scoreBps: Number(detUint(`score-${n}`, i, 16) % 20001n) - 10000,
    })),
  ),
);
write('merkle.json', { leafTypes: LEAF_TYPES, trees });

// ---- payout tables ---------------------------------------------------------------------------------
// PROTOCOL.md "Payout arithmetic", written again independently of the C# and Solidity code.
function payouts(terms, curators) {
  const B = 10000n;
  const sorted = [...curators].sort((a, b) => (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1));
  const fee = (terms.rewardPool * BigInt(terms.oracleFeeBps)) / B;
  const slash = sorted.map((c) => (c.stake * BigInt(terms.slashBps) * BigInt(Math.max(0, -c.scoreBps))) / B / B);
  const P = terms.rewardPool - fee + slash.reduce((a, b) => a + b, 0n);
  const w = sorted.map((c) => (c.stake < terms.stakeCap ? c.stake : terms.stakeCap) * (c.value > 0n ? c.value : 0n));
  const W = w.reduce((a, b) => a + b, 0n);
  const rows = sorted.map((c, i) => {
    const reward = W === 0n ? 0n : (P * w[i]) / W;
    return { ...c, slash: slash[i], reward, payout: c.stake - slash[i] + reward };
  });
  const totalStaked = sorted.reduce((a, c) => a + c.stake, 0n);
  // The key keeps its old name because contracts/test/Vectors.t.sol reads it; the leaf is the burn address's.
  const sponsorRemainder = P - rows.reduce((a, r) => a + r.reward, 0n);
  return { fee, distributable: P, curators: rows, sponsorRemainder, totalStaked, totalPayout: totalStaked + terms.rewardPool - fee };
}
const payoutCases = [...Array(10).keys()].map((i) => {
  const n = 1 + (i * 3) % 9;
  const unit = i % 2 === 0 ? 10n ** 18n : 1n;
  const terms = {
    rewardPool: detUint('pool', i, 40) * unit + (i === 3 ? 7n : 0n),
    oracleFeeBps: Number(detUint('fee', i, 16) % 1001n),
    slashBps: i === 5 ? 0 : Number(detUint('slashbps', i, 16) % 10001n),
    stakeCap: detUint('cap', i, 20) * unit,
  };
  const curators = [...Array(n).keys()].map((j) => {
    const unrevealed = (i + j) % 5 === 4;
    return {
      account: detAddress(`payee-${i}`, j),
      stake: (detUint(`stake-${i}`, j, 20) + 1n) * unit,
      scoreBps: unrevealed ? -10000 : Number(detUint(`s-${i}`, j, 16) % 20001n) - 10000,
      value: unrevealed ? 0n : i === 7 ? -1n : BigInt(Number(detUint(`v-${i}`, j, 24)) - 4000000),
    };
  });
  const table = payouts(terms, curators);
  const marketId = BigInt(100 + i);
  const leaves = [
    ...table.curators.map((c) => [marketId, c.account, c.payout, c.scoreBps]),
    [marketId, BURN_ADDRESS, table.sponsorRemainder, SPONSOR_LEAF_SCORE],
  ];
  const root = StandardMerkleTree.of(leaves, LEAF_TYPES).root;
  return { marketId, remainderAccount: BURN_ADDRESS.toLowerCase(), terms, curators, expected: { ...table, root } };
});
write('payouts.json', { cases: payoutCases });

// ---- canonical JSON Lines --------------------------------------------------------------------------
// JSON.stringify of an object with the fields in the documented order is the canonical line.
const tricky = ['plain', 'quote " and backslash \\', 'tab\tnewline\ncr\r', 'control \u0001\u001f del \u007f', 'ünïcödé — 中文 😀', ''];
const canonical = {
  tasks: tricky.map((t, i) => ({ record: { id: `t${i}`, prompt: t, a: `a ${t}`, b: 'b' } })),
  gold: tricky.map((t, i) => ({ record: { id: `g${i}`, prompt: 'p', a: t, b: 'b', pref: i % 2 ? 'b' : 'a' } })),
  labels: tricky.map((t, i) => ({ record: { id: t || 'empty-text', pref: i % 2 ? 'a' : 'b' } })),
};
for (const list of Object.values(canonical)) for (const c of list) c.line = JSON.stringify(c.record) + '\n';
write('canonical.json', canonical);
