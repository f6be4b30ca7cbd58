// One market from creation to claim on a real anvil, driven with viem and this package only: deploy, bond two
// oracles, create, commit, reveal, reveal gold, sign the report with signTypedData, attest, claim every leaf of the
// payout table the C# code computed (tests/vectors/csharp-leaves.json), finalize.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  getAddress,
  http,
  keccak256,
  parseEventLogs,
  stringToBytes,
  type Abi,
  type Address,
  type Hash,
  type Hex,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import {
  BURN_ADDRESS,
  Phase,
  buildPayoutTree,
  feedbackMarketAbi,
  fileHash,
  goldCommitment,
  labelsCommitment,
  oracleRegistryAbi,
  reportDigest,
  reportTypedData,
  testTokenAbi,
  type MarketParams,
  type Report,
} from '../src/index.js';
import { readArtifact } from '../scripts/generate-abis.mjs';
import { startAnvil, type Anvil } from './anvil.js';
import { csharpLeaves as fixture } from './csharpLeaves.js';

const MNEMONIC = 'test test test test test test test test test test test junk';
const E18 = 10n ** 18n;
const HOUR = 3600n;
const DAY = 24n * HOUR;
const [sponsor, oracleA, oracleB, ...curators] = [0, 1, 2, 3, 4, 5].map((i) => mnemonicToAccount(MNEMONIC, { addressIndex: i }));

let anvil: Anvil;
let publicClient: ReturnType<typeof createPublicClient<ReturnType<typeof http>, typeof foundry>>;
let wallet: ReturnType<typeof createWalletClient<ReturnType<typeof http>, typeof foundry>>;
let testClient: ReturnType<typeof createTestClient>;
let token: Address, registry: Address, market: Address;

async function mined(hash: Hash) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 15_000 });
  assert.equal(receipt.status, 'success', `transaction ${hash} reverted`);
  return receipt;
}

async function deploy(contract: string, abi: Abi, args: readonly unknown[]): Promise<Address> {
  const bytecode = readArtifact(contract).bytecode.object;
  const receipt = await mined(await wallet.deployContract({ account: sponsor, abi, bytecode, args }));
  assert.ok(receipt.contractAddress, `${contract} was not deployed`);
  return getAddress(receipt.contractAddress);
}

async function warp(seconds: bigint) {
  await testClient.increaseTime({ seconds: Number(seconds) });
  await testClient.mine({ blocks: 1 });
}

async function now(): Promise<bigint> {
  return (await publicClient.getBlock()).timestamp;
}

const balance = (account: Address) => publicClient.readContract({ address: token, abi: testTokenAbi, functionName: 'balanceOf', args: [account] });
const phase = () => publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'phase', args: [marketId] });

const marketId = BigInt(fixture.marketId);
const stakes = new Map(fixture.curators.map((c) => [c.account, BigInt(c.stake)]));
const labels = (account: Address) => `{"curator":"${account.toLowerCase()}","labels":[]}\n`;
const saltOf = (what: string): Hex => keccak256(stringToBytes(`fmp-ts-test ${what}`));
const goldFile = '{"gold":[]}\n';

describe('a market on anvil, end to end with viem', { timeout: 120_000 }, () => {
  before(async () => {
    anvil = await startAnvil();
    const transport = http(anvil.url);
    publicClient = createPublicClient({ chain: foundry, transport });
    wallet = createWalletClient({ chain: foundry, transport });
    testClient = createTestClient({ chain: foundry, mode: 'anvil', transport });
  });

  after(async () => {
    await anvil?.stop();
  });

  it("uses the accounts the C# fixture was computed for (anvil's dev mnemonic)", () => {
    assert.equal(fixture.remainderAccount, BURN_ADDRESS.toLowerCase()); // the remainder is burned, not the sponsor's
    assert.deepEqual(
      curators.map((c) => c.address.toLowerCase()),
      fixture.curators.map((c) => c.account),
    );
  });

  it('deploys TestToken, OracleRegistry and FeedbackMarket from contracts/out and wires them', async () => {
    token = await deploy('TestToken', testTokenAbi, ['Test Token', 'TST', 18]);
    registry = await deploy('OracleRegistry', oracleRegistryAbi, [
      sponsor.address, // owner
      token, // bond token
      100n * E18, // minBond
      45n * DAY, // unbondingDelay (> 44 days)
      HOUR, // activationDelay
      2n, // quorum
      10_000n, // securityBps: the signers lock 100 % of what the report pays out, together
      sponsor.address, // treasury
    ]);
    market = await deploy('FeedbackMarket', feedbackMarketAbi, [registry, sponsor.address]);
    await mined(await wallet.writeContract({ account: sponsor, address: registry, abi: oracleRegistryAbi, functionName: 'setMarket', args: [market] }));
    assert.equal(await publicClient.readContract({ address: registry, abi: oracleRegistryAbi, functionName: 'market' }), market);
    assert.equal(await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'registry' }), registry);
  });

  it('bonds two oracles and activates them after the activation delay', async () => {
    // Each locks ceil(1140e18 * 10000 / (10000 * 2)) = 570e18 behind the report, at most a quarter of its bond.
    const bond = 4000n * E18;
    for (const oracle of [oracleA, oracleB]) {
      await mined(await wallet.writeContract({ account: sponsor, address: token, abi: testTokenAbi, functionName: 'mint', args: [oracle.address, bond] }));
      await mined(await wallet.writeContract({ account: oracle, address: token, abi: testTokenAbi, functionName: 'approve', args: [registry, bond] }));
      await mined(await wallet.writeContract({ account: oracle, address: registry, abi: oracleRegistryAbi, functionName: 'register', args: [bond] }));
    }
    const isActive = (a: Address) => publicClient.readContract({ address: registry, abi: oracleRegistryAbi, functionName: 'isActive', args: [a] });
    assert.equal(await isActive(oracleA.address), false);
    await warp(HOUR + 1n);
    assert.equal(await isActive(oracleA.address), true);
    assert.equal(await isActive(oracleB.address), true);
  });

  let params: MarketParams;
  it('creates market 1 with the C# fixture terms', async () => {
    const t = await now();
    const pool = BigInt(fixture.terms.rewardPool);
    params = {
      token,
      rewardPool: pool,
      taskPoolHash: fileHash('{"tasks":[]}\n'),
      taskPoolURI: 'file:///tasks.jsonl',
      goldCommitment: goldCommitment(fileHash(goldFile), saltOf('gold')),
      evalSpecHash: fileHash('spec'),
      evalSpecURI: 'file:///spec.json',
      commitDeadline: t + HOUR,
      revealDeadline: t + 2n * HOUR,
      goldDeadline: t + 3n * HOUR,
      evaluationDeadline: t + 3n * HOUR + 12n * HOUR,
      challengePeriod: HOUR,
      minStake: 10n * E18,
      stakeCap: BigInt(fixture.terms.stakeCap),
      slashBps: fixture.terms.slashBps,
      oracleFeeBps: fixture.terms.oracleFeeBps,
      disputeBond: pool / 100n,
    };
    await mined(await wallet.writeContract({ account: sponsor, address: token, abi: testTokenAbi, functionName: 'mint', args: [sponsor.address, pool] }));
    await mined(await wallet.writeContract({ account: sponsor, address: token, abi: testTokenAbi, functionName: 'approve', args: [market, pool] }));
    const receipt = await mined(await wallet.writeContract({ account: sponsor, address: market, abi: feedbackMarketAbi, functionName: 'createMarket', args: [params] }));
    const [created] = parseEventLogs({ abi: feedbackMarketAbi, eventName: 'MarketCreated', logs: receipt.logs });
    assert.equal(created?.args.marketId, marketId);
    assert.equal(created?.args.params.goldCommitment, params.goldCommitment);
    assert.equal(await phase(), Phase.Open);
  });

  it('curators approve and commit with the TypeScript commitment, then reveal', async () => {
    for (const c of curators) {
      const stake = stakes.get(c.address.toLowerCase() as Address)!;
      await mined(await wallet.writeContract({ account: sponsor, address: token, abi: testTokenAbi, functionName: 'mint', args: [c.address, stake] }));
      await mined(await wallet.writeContract({ account: c, address: token, abi: testTokenAbi, functionName: 'approve', args: [market, stake] }));
      const commitment = labelsCommitment(marketId, c.address, fileHash(labels(c.address)), saltOf(c.address));
      await mined(await wallet.writeContract({ account: c, address: market, abi: feedbackMarketAbi, functionName: 'commit', args: [marketId, commitment, stake] }));
      const s = await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'submission', args: [marketId, c.address] });
      assert.equal(s.commitment, commitment);
      assert.equal(s.stake, stake);
    }
    await warp(HOUR);
    assert.equal(await phase(), Phase.Reveal);
    for (const c of curators) {
      const receipt = await mined(
        await wallet.writeContract({
          account: c,
          address: market,
          abi: feedbackMarketAbi,
          functionName: 'reveal',
          args: [marketId, fileHash(labels(c.address)), saltOf(c.address), `file:///labels/${c.address}.jsonl`],
        }),
      );
      assert.equal(parseEventLogs({ abi: feedbackMarketAbi, eventName: 'Revealed', logs: receipt.logs }).length, 1);
    }
    const state = await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'marketState', args: [marketId] });
    assert.equal(state.totalStaked, BigInt(fixture.totalStaked));
    assert.equal(state.totalRevealedStake, BigInt(fixture.totalStaked));
  });

  it('the sponsor reveals the gold set against its commitment', async () => {
    await warp(HOUR);
    assert.equal(await phase(), Phase.Evaluation);
    await mined(
      await wallet.writeContract({ account: sponsor, address: market, abi: feedbackMarketAbi, functionName: 'revealGold', args: [marketId, fileHash(goldFile), saltOf('gold'), 'file:///gold.jsonl'] }),
    );
    const state = await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'marketState', args: [marketId] });
    assert.equal(state.goldRevealed, true);
    assert.equal(state.goldHash, fileHash(goldFile));
  });

  let report: Report;
  it('two oracles sign the report with signTypedData and attest accepts it at quorum', async () => {
    const state = await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'marketState', args: [marketId] });
    report = {
      marketId,
      round: state.round,
      resultsRoot: fixture.root,
      totalPayout: BigInt(fixture.totalPayout),
      scoresHash: fileHash('scores\n'),
      metricsHash: fileHash('metrics\n'),
    };
    const typed = reportTypedData(foundry.id, market, report);
    const [sigA, sigB] = await Promise.all([oracleA, oracleB].map((o) => wallet.signTypedData({ account: o, ...typed })));
    const digest = reportDigest(foundry.id, market, report);
    assert.equal(await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'reportDigest', args: [report] }), digest);

    const first = await mined(await wallet.writeContract({ account: sponsor, address: market, abi: feedbackMarketAbi, functionName: 'attest', args: [report, [sigA!]] }));
    assert.equal(parseEventLogs({ abi: feedbackMarketAbi, eventName: 'ReportAccepted', logs: first.logs }).length, 0, 'one signature is below the quorum of 2');
    const second = await mined(await wallet.writeContract({ account: sponsor, address: market, abi: feedbackMarketAbi, functionName: 'attest', args: [report, [sigA!, sigB!]] }));
    const [accepted] = parseEventLogs({ abi: feedbackMarketAbi, eventName: 'ReportAccepted', logs: second.logs });
    assert.ok(accepted, 'no ReportAccepted event');
    assert.equal(accepted.args.digest, digest);
    assert.equal(accepted.args.resultsRoot, fixture.root);
    assert.equal(accepted.args.totalPayout, report.totalPayout);
    const signers = await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'acceptedSigners', args: [marketId] });
    assert.deepEqual(signers.map((s) => getAddress(s)), [oracleA.address, oracleB.address]);
    const locked = await publicClient.readContract({ address: registry, abi: oracleRegistryAbi, functionName: 'oracle', args: [oracleA.address] });
    assert.equal(locked.locked, 570n * E18);
    assert.equal(await phase(), Phase.Challenge);
  });

  it('the StandardMerkleTree of the leaves has the accepted root', async () => {
    const entries = fixture.leaves.map((l) => ({ account: getAddress(l.account), amount: BigInt(l.amount), scoreBps: l.scoreBps }));
    assert.equal(buildPayoutTree(marketId, entries).root, report.resultsRoot);
    const state = await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'marketState', args: [marketId] });
    assert.equal(state.resultsRoot, buildPayoutTree(marketId, entries).root);
  });

  it('after the challenge period every leaf is claimed with its C# proof, and paid exactly', async () => {
    const leaf = fixture.leaves[0]!;
    await assert.rejects(
      wallet.writeContract({ account: sponsor, address: market, abi: feedbackMarketAbi, functionName: 'claim', args: [marketId, leaf.account, BigInt(leaf.amount), leaf.scoreBps, leaf.proof] }),
      'a claim during the challenge window must revert',
    );
    await warp(HOUR + 1n);
    assert.equal(await phase(), Phase.Finalized);
    for (const l of fixture.leaves) {
      const before = await balance(l.account);
      const receipt = await mined(
        await wallet.writeContract({ account: sponsor, address: market, abi: feedbackMarketAbi, functionName: 'claim', args: [marketId, l.account, BigInt(l.amount), l.scoreBps, l.proof] }),
      );
      const [claimed] = parseEventLogs({ abi: feedbackMarketAbi, eventName: 'Claimed', logs: receipt.logs });
      assert.equal(claimed?.args.leaf, l.hash);
      const paid = (await balance(l.account)) - before;
      // The sponsor relays every claim (the burn address's remainder too) and pays gas in ether, not in the token.
      assert.equal(paid, BigInt(l.amount), `paid to ${l.account}`);
      assert.equal(await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'isClaimed', args: [l.hash] }), true);
    }
    await assert.rejects(
      wallet.writeContract({ account: sponsor, address: market, abi: feedbackMarketAbi, functionName: 'claim', args: [marketId, leaf.account, BigInt(leaf.amount), leaf.scoreBps, leaf.proof] }),
      'a leaf pays once',
    );
    const state = await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'marketState', args: [marketId] });
    assert.equal(state.claimed, BigInt(fixture.totalPayout));
  });

  it('finalize credits the oracle fee to the two signers and unlocks their bonds', async () => {
    await mined(await wallet.writeContract({ account: sponsor, address: market, abi: feedbackMarketAbi, functionName: 'finalize', args: [marketId] }));
    const fee = BigInt(fixture.fee);
    for (const o of [oracleA, oracleB]) {
      assert.equal(await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'credit', args: [token, o.address] }), fee / 2n);
      assert.equal((await publicClient.readContract({ address: registry, abi: oracleRegistryAbi, functionName: 'oracle', args: [o.address] })).locked, 0n);
    }
    assert.equal(await balance(market), fee, 'the market holds only the credited fee');
  });
});
