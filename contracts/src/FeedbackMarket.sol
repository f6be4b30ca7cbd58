// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {
    IFeedbackMarket,
    Phase,
    MarketStatus,
    CreditReason,
    MarketParams,
    MarketConfig,
    MarketState,
    Submission,
    Report
} from "./interfaces/IFeedbackMarket.sol";
import {IOracleRegistry} from "./interfaces/IOracleRegistry.sol";
import {ConstantsLib} from "./libraries/ConstantsLib.sol";
import {ErrorsLib} from "./libraries/ErrorsLib.sol";
import {EventsLib} from "./libraries/EventsLib.sol";
import {HashLib} from "./libraries/HashLib.sol";
import {PayoutLib} from "./libraries/PayoutLib.sol";

/// @dev Storage layout of a market's parameters; `marketConfig` returns them as a `MarketConfig`. Every commit reads
///      the first two slots only (token and commit deadline, stake bounds).
struct StoredConfig {
    address token;
    uint64 commitDeadline;
    uint16 slashBps;
    uint16 oracleFeeBps;
    uint128 minStake;
    uint128 stakeCap;
    address sponsor;
    uint64 revealDeadline;
    uint8 quorum;
    uint24 securityBps;
    uint64 goldDeadline;
    uint64 evaluationPeriod;
    uint64 challengePeriod;
    uint128 rewardPool;
    uint128 disputeBond;
    bytes32 taskPoolHash;
    bytes32 goldCommitment;
    bytes32 evalSpecHash;
}

/// @dev Storage layout of a market's state; `marketState` returns it as a `MarketState`. A commit writes one slot
///      (balance and stake total), a claim two (balance; claimed total next to the total payout it is checked against).
struct StoredState {
    MarketStatus status;
    uint32 round;
    bool goldRevealed;
    uint64 evaluationDeadline;
    uint64 acceptedAt;
    uint64 disputedAt;
    bool swept;
    uint128 balance;
    uint128 totalStaked;
    uint128 claimed;
    uint128 totalPayout;
    uint128 totalRevealedStake;
    uint128 lockPerSigner;
    bytes32 resultsRoot;
    bytes32 acceptedDigest;
    bytes32 goldHash;
    address challenger;
    uint64 settledAt;
}

/// @title FeedbackMarket
/// @notice The singleton holding every feedback market by id. See `IFeedbackMarket` and docs/contracts.md.
contract FeedbackMarket is IFeedbackMarket, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /* IMMUTABLES */

    /// @inheritdoc IFeedbackMarket
    address public immutable arbiter;
    /// @inheritdoc IFeedbackMarket
    IOracleRegistry public immutable registry;

    /* STORAGE */

    /// @inheritdoc IFeedbackMarket
    uint256 public marketCount;
    /// @inheritdoc IFeedbackMarket
    mapping(bytes32 leaf => bool) public isClaimed;
    /// @inheritdoc IFeedbackMarket
    mapping(address token => mapping(address account => uint256)) public credit;

    mapping(uint256 marketId => StoredConfig) internal _configs;
    mapping(uint256 marketId => StoredState) internal _states;
    mapping(uint256 marketId => mapping(address curator => Submission)) internal _submissions;
    mapping(bytes32 digest => address[]) internal _signers;
    mapping(uint256 marketId => address[]) internal _accepted;

    /* CONSTRUCTOR */

    /// @notice Deploys the singleton against `registry_`, with `arbiter_` resolving disputes.
    /// @param registry_ The oracle registry (its unbonding delay must exceed `ConstantsLib.MIN_UNBONDING_DELAY`).
    /// @param arbiter_ The dispute resolver (a multisig or governance contract).
    constructor(IOracleRegistry registry_, address arbiter_) EIP712("FeedbackMarket", "1") {
        if (address(registry_) == address(0) || arbiter_ == address(0)) revert ErrorsLib.ZeroAddress();
        uint64 delay = registry_.unbondingDelay();
        if (delay <= ConstantsLib.MIN_UNBONDING_DELAY) {
            revert ErrorsLib.UnbondingDelayTooShort(delay, ConstantsLib.MIN_UNBONDING_DELAY + 1);
        }
        registry = registry_;
        arbiter = arbiter_;
    }

    /* MARKET CREATION */

    /// @inheritdoc IFeedbackMarket
    function createMarket(MarketParams calldata params) external nonReentrant returns (uint256 marketId) {
        uint64 evaluationPeriod = _checkParams(params);

        marketId = ++marketCount;
        StoredConfig storage c = _configs[marketId];
        _storeConfig(c, params, evaluationPeriod);
        // Snapshots: governance changes to the registry cannot reach a running market. Both are bounded there
        // (MAX_QUORUM = 32, MAX_SECURITY_BPS = 100,000), so the casts are exact.
        // forge-lint: disable-next-line(unsafe-typecast)
        c.quorum = uint8(registry.quorum());
        // forge-lint: disable-next-line(unsafe-typecast)
        c.securityBps = uint24(registry.securityBps());
        StoredState storage s = _states[marketId];
        s.evaluationDeadline = params.evaluationDeadline;
        s.balance = params.rewardPool;

        emit EventsLib.MarketCreated(marketId, msg.sender, params.token, params);

        _pull(params.token, params.rewardPool);
    }

    /* CURATORS */

    /// @inheritdoc IFeedbackMarket
    function commit(uint256 marketId, bytes32 commitment, uint256 stake) external nonReentrant {
        StoredConfig storage c = _configs[marketId];
        uint64 commitDeadline = c.commitDeadline;
        if (commitDeadline == 0) revert ErrorsLib.MarketNotFound(marketId);
        if (block.timestamp >= commitDeadline) revert ErrorsLib.InvalidPhase(marketId, _phase(c, _states[marketId]));
        if (commitment == 0) revert ErrorsLib.ZeroCommitment();
        if (stake < c.minStake || stake > c.stakeCap) revert ErrorsLib.StakeOutOfBounds(stake, c.minStake, c.stakeCap);
        Submission storage sub = _submissions[marketId][msg.sender];
        if (sub.stake != 0) revert ErrorsLib.AlreadyCommitted(marketId, msg.sender);

        // stake <= stakeCap, a uint128.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 stake128 = uint128(stake);
        sub.commitment = commitment;
        sub.stake = stake128;
        StoredState storage s = _states[marketId];
        uint128 totalStaked = s.totalStaked + stake128;
        s.totalStaked = totalStaked;
        s.balance += stake128;

        emit EventsLib.Committed(marketId, msg.sender, commitment, stake, totalStaked);

        _pull(c.token, stake);
    }

    /// @inheritdoc IFeedbackMarket
    function reveal(uint256 marketId, bytes32 labelsHash, bytes32 salt, string calldata uri) external {
        StoredConfig storage c = _configs[marketId];
        uint64 commitDeadline = c.commitDeadline;
        if (commitDeadline == 0) revert ErrorsLib.MarketNotFound(marketId);
        if (block.timestamp < commitDeadline || block.timestamp >= c.revealDeadline) {
            revert ErrorsLib.InvalidPhase(marketId, _phase(c, _states[marketId]));
        }
        Submission storage sub = _submissions[marketId][msg.sender];
        uint128 stake = sub.stake;
        if (stake == 0) revert ErrorsLib.NotCommitted(marketId, msg.sender);
        if (sub.revealed) revert ErrorsLib.AlreadyRevealed(marketId, msg.sender);
        bytes32 expected = sub.commitment;
        bytes32 actual = HashLib.commitment(marketId, msg.sender, labelsHash, salt);
        if (actual != expected) revert ErrorsLib.CommitmentMismatch(expected, actual);

        sub.revealed = true;
        _states[marketId].totalRevealedStake += stake;

        emit EventsLib.Revealed(marketId, msg.sender, labelsHash, salt, uri, stake);
    }

    /* SPONSOR */

    /// @inheritdoc IFeedbackMarket
    function revealGold(uint256 marketId, bytes32 goldHash, bytes32 salt, string calldata uri) external {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        if (msg.sender != c.sponsor) revert ErrorsLib.Unauthorized(msg.sender, c.sponsor);
        if (s.goldRevealed) revert ErrorsLib.GoldAlreadyRevealed(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Evaluation) revert ErrorsLib.InvalidPhase(marketId, current);
        bytes32 actual = HashLib.goldCommitment(goldHash, salt);
        if (actual != c.goldCommitment) revert ErrorsLib.CommitmentMismatch(c.goldCommitment, actual);

        s.goldRevealed = true;
        s.goldHash = goldHash;

        emit EventsLib.GoldRevealed(marketId, goldHash, salt, uri);
    }

    /* ORACLES */

    /// @inheritdoc IFeedbackMarket
    function attest(Report calldata report, bytes[] calldata signatures) external nonReentrant returns (bool accepted) {
        uint256 marketId = report.marketId;
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Evaluation) revert ErrorsLib.InvalidPhase(marketId, current);
        if (!s.goldRevealed) revert ErrorsLib.GoldNotRevealed(marketId);
        if (report.round != s.round) revert ErrorsLib.WrongRound(report.round, s.round);
        // What a wrong report could move: the whole payout. A verdict moves as much as a report: it cancels every
        // slash and every reward, so a curator facing a large slash would otherwise buy one cheaply.
        uint256 atRisk = PayoutLib.totalPayout(s.totalStaked, c.rewardPool, c.oracleFeeBps);
        {
            uint256 expected = report.resultsRoot == 0 ? 0 : atRisk;
            if (report.totalPayout != expected) revert ErrorsLib.TotalPayoutMismatch(report.totalPayout, expected);
        }
        uint256 quorum = c.quorum;
        uint256 lockAmount = Math.ceilDiv(atRisk * c.securityBps, ConstantsLib.BPS * quorum);

        bytes32 digest = _hashTypedDataV4(HashLib.structHash(report));
        address[] memory signers = _collect(marketId, report.round, digest, signatures, quorum, lockAmount);
        if (signers.length == quorum) {
            accepted = true;
            _accepted[marketId] = signers;
            s.lockPerSigner = lockAmount.toUint128();
            _accept(s, report, digest, c.challengePeriod);

            registry.lock(signers, lockAmount);
        }
    }

    /// @inheritdoc IFeedbackMarket
    function proveEquivocation(
        Report calldata a,
        bytes calldata signatureA,
        Report calldata b,
        bytes calldata signatureB
    ) external nonReentrant {
        bytes32 digestA = _hashTypedDataV4(HashLib.structHash(a));
        bytes32 digestB = _hashTypedDataV4(HashLib.structHash(b));
        if (a.marketId != b.marketId || a.round != b.round || digestA == digestB) {
            revert ErrorsLib.NotEquivocation(digestA, digestB);
        }
        address signerA = ECDSA.recover(digestA, signatureA);
        address signerB = ECDSA.recover(digestB, signatureB);
        if (signerA != signerB) revert ErrorsLib.SignerMismatch(signerA, signerB);

        // The registry holds the bond: it bans the signer, credits prover and treasury with its unlocked bond, and
        // slashes each lock it still has as the market behind it settles.
        uint256 slashed = registry.slash(signerA, msg.sender);

        emit EventsLib.EquivocationProven(a.marketId, a.round, signerA, digestA, digestB, msg.sender, slashed);
    }

    /* DISPUTES */

    /// @inheritdoc IFeedbackMarket
    function dispute(uint256 marketId) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Challenge) revert ErrorsLib.InvalidPhase(marketId, current);
        // A signer disputing its own report could steer the overturn (and its slash) to an account it controls.
        if (_contains(_accepted[marketId], msg.sender)) revert ErrorsLib.SignerCannotDispute(msg.sender);

        uint128 bond = c.disputeBond;
        s.status = MarketStatus.Disputed;
        s.challenger = msg.sender;
        s.disputedAt = uint64(block.timestamp);
        s.balance += bond;

        emit EventsLib.Disputed(marketId, s.round, msg.sender, s.acceptedDigest, bond);

        _pull(c.token, bond);
    }

    /// @inheritdoc IFeedbackMarket
    function resolveDispute(uint256 marketId, bool overturned) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _disputed(marketId);

        bytes32 digest = s.acceptedDigest;
        address challenger = s.challenger;
        uint128 bond = c.disputeBond;
        s.challenger = address(0);

        if (!overturned) {
            emit EventsLib.DisputeResolved(marketId, s.round, digest, false, challenger, bond);
            _creditSigners(marketId, c.token, _accepted[marketId], bond, CreditReason.DisputeBondToSigners);
            if (s.resultsRoot == 0) {
                // An upheld verdict: the sponsor's inputs are unusable, so the market forfeits (stakes refundable, no
                // fee) exactly as if nobody had disputed it. Finalizing it would leave no root to claim from.
                address[] memory signers = _fail(marketId, c, s, MarketStatus.Forfeited);
                _unlock(signers, s.lockPerSigner);
            } else {
                _finalize(marketId, c, s);
            }
        } else {
            _overturn(marketId, c, s, digest, challenger);
        }
    }

    /// @inheritdoc IFeedbackMarket
    function rerun(uint256 marketId) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _disputed(marketId);

        uint32 round = s.round;
        bytes32 digest = s.acceptedDigest;
        address challenger = s.challenger;
        address[] memory signers = _accepted[marketId];
        uint256 lockAmount = s.lockPerSigner;
        _clearReport(marketId, s);

        emit EventsLib.DisputeRerun(marketId, round, digest, challenger, c.disputeBond);
        // The signers did what the protocol asks with what they could fetch; the challenger asked for the new round.
        _creditSigners(marketId, c.token, signers, c.disputeBond, CreditReason.DisputeBondToSigners);
        _nextRound(marketId, c, s, round);

        _unlock(signers, lockAmount);
    }

    /* SETTLEMENT */

    /// @inheritdoc IFeedbackMarket
    function finalize(uint256 marketId) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Finalized) revert ErrorsLib.InvalidPhase(marketId, current);
        if (s.status == MarketStatus.Finalized) revert ErrorsLib.AlreadySettled(marketId);

        _finalize(marketId, c, s);
    }

    /// @inheritdoc IFeedbackMarket
    function claim(uint256 marketId, address account, uint256 amount, int32 scoreBps, bytes32[] calldata proof)
        external
        nonReentrant
    {
        StoredState storage s = _states[marketId];
        // Claims open once finalized, or as soon as the challenge window of a payout report passed without a dispute.
        if (s.status != MarketStatus.Finalized) {
            (StoredConfig storage c,) = _market(marketId);
            Phase current = _phase(c, s);
            if (current != Phase.Finalized) revert ErrorsLib.InvalidPhase(marketId, current);
        }
        if (s.swept) revert ErrorsLib.AlreadySwept(marketId);
        bytes32 leaf = HashLib.leaf(marketId, account, amount, scoreBps);
        if (isClaimed[leaf]) revert ErrorsLib.AlreadyClaimed(leaf);
        if (!MerkleProof.verifyCalldata(proof, s.resultsRoot, leaf)) revert ErrorsLib.InvalidProof(leaf);
        uint256 claimedAfter = s.claimed + amount;
        uint256 totalPayout = s.totalPayout;
        if (claimedAfter > totalPayout) revert ErrorsLib.ClaimExceedsPayout(claimedAfter, totalPayout);

        isClaimed[leaf] = true;
        // claimedAfter <= totalPayout, a uint128.
        // forge-lint: disable-next-line(unsafe-typecast)
        s.claimed = uint128(claimedAfter);
        // forge-lint: disable-next-line(unsafe-typecast)
        s.balance -= uint128(amount);

        emit EventsLib.Claimed(marketId, account, leaf, amount, scoreBps, claimedAfter);

        if (amount != 0) IERC20(_configs[marketId].token).safeTransfer(account, amount);
    }

    /// @inheritdoc IFeedbackMarket
    function cancel(uint256 marketId) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Cancelled) revert ErrorsLib.InvalidPhase(marketId, current);
        if (s.status == MarketStatus.Cancelled) revert ErrorsLib.AlreadySettled(marketId);

        bool expired = s.status == MarketStatus.Disputed;
        if (expired) {
            // The arbiter missed its deadline: the challenger gets its bond back, the signers their locked bonds.
            address challenger = s.challenger;
            s.challenger = address(0);
            emit EventsLib.DisputeExpired(marketId, s.round, s.acceptedDigest, challenger);
            _credit(marketId, c.token, challenger, c.disputeBond, CreditReason.DisputeBondRefund);
        }
        address[] memory signers = _fail(marketId, c, s, MarketStatus.Cancelled);

        if (expired) _unlock(signers, s.lockPerSigner);
    }

    /// @inheritdoc IFeedbackMarket
    function forfeit(uint256 marketId) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Forfeited) revert ErrorsLib.InvalidPhase(marketId, current);
        if (s.status == MarketStatus.Forfeited) revert ErrorsLib.AlreadySettled(marketId);

        // An accepted verdict (its challenge window over) releases its signers' locked bonds.
        bool verdict = s.status == MarketStatus.Accepted;
        address[] memory signers = _fail(marketId, c, s, MarketStatus.Forfeited);

        if (verdict) _unlock(signers, s.lockPerSigner);
    }

    /// @inheritdoc IFeedbackMarket
    function refund(uint256 marketId, address curator) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Cancelled && current != Phase.Forfeited) revert ErrorsLib.InvalidPhase(marketId, current);
        if (s.swept) revert ErrorsLib.AlreadySwept(marketId);
        Submission storage sub = _submissions[marketId][curator];
        uint128 stake = sub.stake;
        if (stake == 0) revert ErrorsLib.NotCommitted(marketId, curator);
        if (sub.refunded) revert ErrorsLib.AlreadyRefunded(marketId, curator);

        sub.refunded = true;
        s.totalStaked -= stake;
        s.balance -= stake;

        emit EventsLib.Refunded(marketId, curator, stake);

        IERC20(c.token).safeTransfer(curator, stake);
    }

    /// @inheritdoc IFeedbackMarket
    function sweep(uint256 marketId) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        MarketStatus status = s.status;
        if (status != MarketStatus.Finalized && status != MarketStatus.Cancelled && status != MarketStatus.Forfeited) {
            revert ErrorsLib.InvalidPhase(marketId, _phase(c, s));
        }
        if (s.swept) revert ErrorsLib.AlreadySwept(marketId);
        uint64 sweepableAt = s.settledAt + ConstantsLib.CLAIM_PERIOD;
        if (block.timestamp < sweepableAt) revert ErrorsLib.ClaimPeriodNotOver(marketId, sweepableAt);

        uint128 left = s.balance;
        s.swept = true;

        // Burned: the treasury's controller must not gain from what a market leaves behind.
        emit EventsLib.MarketSwept(marketId, left, ConstantsLib.BURN_ADDRESS);
        _credit(marketId, c.token, ConstantsLib.BURN_ADDRESS, left, CreditReason.Sweep);
    }

    /// @inheritdoc IFeedbackMarket
    function withdrawCredit(address token, address account) external nonReentrant {
        uint256 amount = credit[token][account];
        if (amount == 0) revert ErrorsLib.NothingToWithdraw(token, account);

        credit[token][account] = 0;

        emit EventsLib.CreditWithdrawn(account, token, amount);

        IERC20(token).safeTransfer(account, amount);
    }

    /* VIEWS */

    /// @inheritdoc IFeedbackMarket
    function marketConfig(uint256 marketId) external view returns (MarketConfig memory c) {
        StoredConfig storage sc = _configs[marketId];
        c.sponsor = sc.sponsor;
        c.quorum = sc.quorum;
        c.securityBps = sc.securityBps;
        c.commitDeadline = sc.commitDeadline;
        c.slashBps = sc.slashBps;
        c.oracleFeeBps = sc.oracleFeeBps;
        c.token = sc.token;
        c.revealDeadline = sc.revealDeadline;
        c.goldDeadline = sc.goldDeadline;
        c.evaluationPeriod = sc.evaluationPeriod;
        c.challengePeriod = sc.challengePeriod;
        c.minStake = sc.minStake;
        c.stakeCap = sc.stakeCap;
        c.rewardPool = sc.rewardPool;
        c.disputeBond = sc.disputeBond;
        c.taskPoolHash = sc.taskPoolHash;
        c.goldCommitment = sc.goldCommitment;
        c.evalSpecHash = sc.evalSpecHash;
    }

    /// @inheritdoc IFeedbackMarket
    function marketState(uint256 marketId) external view returns (MarketState memory s) {
        StoredState storage ss = _states[marketId];
        s.status = ss.status;
        s.round = ss.round;
        s.goldRevealed = ss.goldRevealed;
        s.evaluationDeadline = ss.evaluationDeadline;
        s.acceptedAt = ss.acceptedAt;
        s.balance = ss.balance;
        s.claimed = ss.claimed;
        s.totalStaked = ss.totalStaked;
        s.totalRevealedStake = ss.totalRevealedStake;
        s.totalPayout = ss.totalPayout;
        s.resultsRoot = ss.resultsRoot;
        s.acceptedDigest = ss.acceptedDigest;
        s.goldHash = ss.goldHash;
        s.challenger = ss.challenger;
        s.disputedAt = ss.disputedAt;
        s.settledAt = ss.settledAt;
        s.lockPerSigner = ss.lockPerSigner;
        s.swept = ss.swept;
    }

    /// @inheritdoc IFeedbackMarket
    function submission(uint256 marketId, address curator) external view returns (Submission memory) {
        return _submissions[marketId][curator];
    }

    /// @inheritdoc IFeedbackMarket
    function phase(uint256 marketId) external view returns (Phase) {
        StoredConfig storage c = _configs[marketId];
        if (c.commitDeadline == 0) return Phase.None;
        return _phase(c, _states[marketId]);
    }

    /// @inheritdoc IFeedbackMarket
    function reportDigest(Report calldata report) external view returns (bytes32) {
        return _hashTypedDataV4(HashLib.structHash(report));
    }

    /// @inheritdoc IFeedbackMarket
    function reportSigners(bytes32 digest) external view returns (address[] memory) {
        return _signers[digest];
    }

    /// @inheritdoc IFeedbackMarket
    function acceptedSigners(uint256 marketId) external view returns (address[] memory) {
        return _accepted[marketId];
    }

    /* INTERNAL */

    /// @dev The stored market, or revert when it does not exist.
    function _market(uint256 marketId) internal view returns (StoredConfig storage c, StoredState storage s) {
        c = _configs[marketId];
        if (c.commitDeadline == 0) revert ErrorsLib.MarketNotFound(marketId);
        s = _states[marketId];
    }

    /// @dev The market of an open dispute the arbiter may still resolve, or revert.
    function _disputed(uint256 marketId) internal view returns (StoredConfig storage c, StoredState storage s) {
        if (msg.sender != arbiter) revert ErrorsLib.Unauthorized(msg.sender, arbiter);
        (c, s) = _market(marketId);
        if (s.status != MarketStatus.Disputed) revert ErrorsLib.InvalidPhase(marketId, _phase(c, s));
        uint64 deadline = s.disputedAt + ConstantsLib.RESOLUTION_PERIOD;
        if (block.timestamp >= deadline) revert ErrorsLib.DisputeExpired(marketId, deadline);
    }

    /// @dev The phase of an existing market (see `Phase`). Time boundaries are half-open: [start, deadline).
    function _phase(StoredConfig storage c, StoredState storage s) internal view returns (Phase) {
        MarketStatus status = s.status;
        if (status == MarketStatus.Active) {
            if (block.timestamp < c.commitDeadline) return Phase.Open;
            if (block.timestamp < c.revealDeadline) return Phase.Reveal;
            if (!s.goldRevealed) return block.timestamp < c.goldDeadline ? Phase.Evaluation : Phase.Forfeited;
            return block.timestamp < s.evaluationDeadline ? Phase.Evaluation : Phase.Cancelled;
        }
        if (status == MarketStatus.Accepted) {
            if (block.timestamp < s.acceptedAt + c.challengePeriod) return Phase.Challenge;
            // An accepted verdict (no results root) forfeits the market; a payout report finalizes it.
            return s.resultsRoot == 0 ? Phase.Forfeited : Phase.Finalized;
        }
        if (status == MarketStatus.Disputed) {
            return block.timestamp < s.disputedAt + ConstantsLib.RESOLUTION_PERIOD ? Phase.Disputed : Phase.Cancelled;
        }
        // Finalized, Cancelled, Forfeited map one to one onto the last three phases.
        return Phase(uint8(status) + 3);
    }

    /// @dev Reverts unless `params` lie within the protocol's bounds (see `IFeedbackMarket.createMarket`); returns the
    ///      evaluation period (evaluationDeadline - revealDeadline).
    function _checkParams(MarketParams calldata params) internal view returns (uint64 evaluationPeriod) {
        // One unit for everything the security compares: the payout a report moves and the bond that backs it. A
        // market in another token would lock bond in the wrong unit (dust behind a million, or more than any bond).
        address bondToken = address(registry.bondToken());
        if (params.token != bondToken) revert ErrorsLib.TokenNotBondToken(params.token, bondToken);
        if (params.rewardPool == 0 || params.disputeBond == 0) revert ErrorsLib.ZeroAmount();
        if (params.rewardPool > ConstantsLib.MAX_AMOUNT) {
            revert ErrorsLib.AmountTooLarge(params.rewardPool, ConstantsLib.MAX_AMOUNT);
        }
        if (params.stakeCap > ConstantsLib.MAX_AMOUNT) {
            revert ErrorsLib.AmountTooLarge(params.stakeCap, ConstantsLib.MAX_AMOUNT);
        }
        uint256 minBond = uint256(params.rewardPool) * ConstantsLib.MIN_DISPUTE_BOND_BPS / ConstantsLib.BPS;
        if (params.disputeBond < minBond || params.disputeBond > params.rewardPool) {
            revert ErrorsLib.InvalidDisputeBond(params.disputeBond, minBond, params.rewardPool);
        }
        if (params.goldCommitment == 0) revert ErrorsLib.ZeroGoldCommitment();
        if (
            block.timestamp >= params.commitDeadline || params.commitDeadline >= params.revealDeadline
                || params.revealDeadline >= params.goldDeadline || params.goldDeadline >= params.evaluationDeadline
        ) {
            revert ErrorsLib.InvalidDeadlines(
                block.timestamp,
                params.commitDeadline,
                params.revealDeadline,
                params.goldDeadline,
                params.evaluationDeadline
            );
        }
        // Oracles always get the minimum window after the latest possible gold reveal.
        uint64 window = params.evaluationDeadline - params.goldDeadline;
        if (window < ConstantsLib.MIN_EVALUATION_WINDOW) {
            revert ErrorsLib.EvaluationWindowTooShort(window, ConstantsLib.MIN_EVALUATION_WINDOW);
        }
        evaluationPeriod = params.evaluationDeadline - params.revealDeadline;
        if (evaluationPeriod > ConstantsLib.MAX_EVALUATION_PERIOD) {
            revert ErrorsLib.EvaluationPeriodTooLong(evaluationPeriod, ConstantsLib.MAX_EVALUATION_PERIOD);
        }
        if (
            params.challengePeriod < ConstantsLib.MIN_CHALLENGE_PERIOD
                || params.challengePeriod > ConstantsLib.MAX_CHALLENGE_PERIOD
        ) {
            revert ErrorsLib.InvalidChallengePeriod(
                params.challengePeriod, ConstantsLib.MIN_CHALLENGE_PERIOD, ConstantsLib.MAX_CHALLENGE_PERIOD
            );
        }
        if (params.minStake == 0 || params.minStake > params.stakeCap) {
            revert ErrorsLib.InvalidStakeBounds(params.minStake, params.stakeCap);
        }
        if (params.slashBps > ConstantsLib.BPS) revert ErrorsLib.InvalidBps(params.slashBps);
        if (params.oracleFeeBps > ConstantsLib.BPS) revert ErrorsLib.InvalidBps(params.oracleFeeBps);
    }

    /// @dev Stores `params` with the caller as sponsor (field by field: a 16-field literal is too deep for the stack).
    function _storeConfig(StoredConfig storage c, MarketParams calldata params, uint64 evaluationPeriod) internal {
        c.sponsor = msg.sender;
        c.commitDeadline = params.commitDeadline;
        c.slashBps = params.slashBps;
        c.oracleFeeBps = params.oracleFeeBps;
        c.token = params.token;
        c.revealDeadline = params.revealDeadline;
        c.goldDeadline = params.goldDeadline;
        c.evaluationPeriod = evaluationPeriod;
        c.challengePeriod = params.challengePeriod;
        c.minStake = params.minStake;
        c.stakeCap = params.stakeCap;
        c.rewardPool = params.rewardPool;
        c.disputeBond = params.disputeBond;
        c.taskPoolHash = params.taskPoolHash;
        c.goldCommitment = params.goldCommitment;
        c.evalSpecHash = params.evalSpecHash;
    }

    /// @dev Records the new distinct signers among `signatures` for `digest` and returns the recorded signers that can
    ///      back it now (active, with `lockAmount` of free bond within the per-market share), at most `quorum` of them.
    ///      Recorded signers that fell out (slashed, exiting, bond locked elsewhere) are dropped from the record, so
    ///      none of them can block the report and the record, and every attest's gas, stays bounded.
    function _collect(
        uint256 marketId,
        uint32 round,
        bytes32 digest,
        bytes[] calldata signatures,
        uint256 quorum,
        uint256 lockAmount
    ) internal returns (address[] memory eligible) {
        address[] storage stored = _signers[digest];
        uint256 count;
        (eligible, count) = _eligibleRecorded(stored, quorum, lockAmount);
        for (uint256 i; i < signatures.length && count < quorum; ++i) {
            address signer = _record(stored, digest, signatures[i], lockAmount);
            if (signer == address(0)) continue;
            eligible[count] = signer;
            ++count;
            emit EventsLib.Attested(marketId, round, digest, signer, count);
        }
        eligible = _first(eligible, count);
    }

    /// @dev The recorded signers that can back a report now, at most `quorum`, in a `quorum`-long array; drops the
    ///      others from `stored` (swap with the last, pop), each once.
    function _eligibleRecorded(address[] storage stored, uint256 quorum, uint256 lockAmount)
        internal
        returns (address[] memory eligible, uint256 count)
    {
        eligible = new address[](quorum);
        uint256 i;
        while (i < stored.length && count < quorum) {
            address signer = stored[i];
            (bool active, uint256 free, uint256 matured) = _backing(signer);
            if (active && free >= lockAmount && _withinShare(lockAmount, matured)) {
                eligible[count] = signer;
                ++count;
                ++i;
            } else {
                stored[i] = stored[stored.length - 1];
                stored.pop();
            }
        }
    }

    /// @dev Records the signer of `signature` (zero when already recorded); reverts unless it can back the report.
    function _record(address[] storage stored, bytes32 digest, bytes calldata signature, uint256 lockAmount)
        internal
        returns (address signer)
    {
        signer = ECDSA.recover(digest, signature);
        if (_contains(stored, signer)) return address(0);
        (bool active, uint256 free, uint256 matured) = _backing(signer);
        if (!active) revert ErrorsLib.OracleNotActive(signer);
        if (free < lockAmount) revert ErrorsLib.InsufficientFreeBond(signer, free, lockAmount);
        if (!_withinShare(lockAmount, matured)) {
            revert ErrorsLib.LockExceedsBondShare(signer, lockAmount, matured, ConstantsLib.MAX_MARKET_LOCK_BPS);
        }
        stored.push(signer);
    }

    /// @dev Releases each of `signers`' lock of `amount` in the registry (one call site, for the contract's size).
    function _unlock(address[] memory signers, uint256 amount) internal {
        registry.unlock(signers, amount);
    }

    /// @dev The registry's `backing` of `account` (one call site: the contract stays under EIP-170's size limit).
    function _backing(address account) internal view returns (bool active, uint256 free, uint256 matured) {
        return registry.backing(account);
    }

    /// @dev Whether one market may lock `lockAmount` of a `matured` bond: at most MAX_MARKET_LOCK_BPS of it, so a
    ///      decoy market sized to an honest oracle's bond cannot freeze it.
    function _withinShare(uint256 lockAmount, uint256 matured) internal pure returns (bool) {
        return lockAmount * ConstantsLib.BPS <= matured * ConstantsLib.MAX_MARKET_LOCK_BPS;
    }

    /// @dev Records the accepted report and starts the challenge window.
    function _accept(StoredState storage s, Report calldata report, bytes32 digest, uint64 challengePeriod) internal {
        uint64 acceptedAt = uint64(block.timestamp);
        s.status = MarketStatus.Accepted;
        s.acceptedAt = acceptedAt;
        s.acceptedDigest = digest;
        s.resultsRoot = report.resultsRoot;
        s.totalPayout = report.totalPayout.toUint128();

        emit EventsLib.ReportAccepted(
            report.marketId,
            report.round,
            digest,
            report.resultsRoot,
            report.totalPayout,
            report.scoresHash,
            report.metricsHash,
            acceptedAt + challengePeriod
        );
    }

    /// @dev Credits the bond back to the challenger, slashes the bond every signer locked behind the report, and
    ///      starts the next evaluation round, or cancels the market after the last one. The challenger, as prover,
    ///      receives at most its dispute bond out of the slashes in all (the rest is burned): a signer's second address
    ///      or a challenger colluding with the arbiter extracts no more than the bond it put at risk.
    function _overturn(
        uint256 marketId,
        StoredConfig storage c,
        StoredState storage s,
        bytes32 digest,
        address challenger
    ) internal {
        uint32 round = s.round;
        address[] memory signers = _accepted[marketId];
        uint256 lockAmount = s.lockPerSigner;
        _clearReport(marketId, s);

        emit EventsLib.DisputeResolved(marketId, round, digest, true, challenger, c.disputeBond);
        _credit(marketId, c.token, challenger, c.disputeBond, CreditReason.DisputeBondRefund);
        _nextRound(marketId, c, s, round);

        uint256 rewardLeft = c.disputeBond;
        for (uint256 i; i < signers.length; ++i) {
            rewardLeft -= registry.slashLocked(signers[i], lockAmount, challenger, rewardLeft);
            emit EventsLib.SignerSlashed(marketId, round, signers[i], lockAmount);
        }
    }

    /// @dev Forgets the accepted report of the current round (its signers are handled by the caller).
    function _clearReport(uint256 marketId, StoredState storage s) internal {
        delete _accepted[marketId];
        s.challenger = address(0);
        s.lockPerSigner = 0;
        s.acceptedAt = 0;
        s.acceptedDigest = 0;
        s.resultsRoot = 0;
        s.totalPayout = 0;
    }

    /// @dev After round `round`'s report fell: round + 1 with a fresh deadline, or Cancelled after the last round.
    function _nextRound(uint256 marketId, StoredConfig storage c, StoredState storage s, uint32 round) internal {
        if (round + 1 < ConstantsLib.MAX_ROUNDS) {
            uint64 evaluationDeadline = uint64(block.timestamp) + c.evaluationPeriod;
            s.status = MarketStatus.Active;
            s.round = round + 1;
            s.evaluationDeadline = evaluationDeadline;
            emit EventsLib.RoundStarted(marketId, round + 1, evaluationDeadline);
        } else {
            _fail(marketId, c, s, MarketStatus.Cancelled);
        }
    }

    /// @dev Records the Finalized status, credits the oracle fee to the accepted report's signers that have not been
    ///      slashed since (burned when none is left) and unlocks their bonds.
    function _finalize(uint256 marketId, StoredConfig storage c, StoredState storage s) internal {
        uint256 fee = PayoutLib.oracleFee(c.rewardPool, c.oracleFeeBps);
        bytes32 digest = s.acceptedDigest;
        address[] memory signers = _accepted[marketId];
        s.status = MarketStatus.Finalized;
        s.settledAt = uint64(block.timestamp);

        emit EventsLib.MarketFinalized(marketId, s.round, digest, s.resultsRoot, s.totalPayout, fee);
        _creditSigners(marketId, c.token, signers, fee, CreditReason.OracleFee);

        _unlock(signers, s.lockPerSigner);
    }

    /// @dev Records a failed market (Cancelled or Forfeited) and credits what is left of the pool: to the sponsor when
    ///      no curator revealed, else burned. Once labels are public the sponsor has what it paid for, and a failed
    ///      market cannot tell honest curators from the sponsor's Sybils, so neither may recover the pool; nor may the
    ///      treasury, whose controller could otherwise fail markets on purpose (its oracles, its dispute) to take pools.
    ///      Returns the accepted signers (if any) for the caller to unlock.
    function _fail(uint256 marketId, StoredConfig storage c, StoredState storage s, MarketStatus status)
        internal
        returns (address[] memory signers)
    {
        signers = _accepted[marketId];
        uint128 pool = s.balance - s.totalStaked;
        uint256 revealedStake = s.totalRevealedStake;
        address recipient = revealedStake == 0 ? c.sponsor : ConstantsLib.BURN_ADDRESS;
        s.status = status;
        s.settledAt = uint64(block.timestamp);

        if (status == MarketStatus.Cancelled) {
            emit EventsLib.MarketCancelled(marketId, s.round, pool, recipient);
        } else {
            emit EventsLib.MarketForfeited(marketId, pool, recipient, revealedStake);
        }
        _credit(
            marketId, c.token, recipient, pool, revealedStake == 0 ? CreditReason.PoolRefund : CreditReason.PoolBurned
        );
    }

    /// @dev Pulls exactly `amount` of `token` from the caller; a token that delivers less (fee on transfer) reverts.
    function _pull(address token, uint256 amount) internal {
        IERC20 t = IERC20(token);
        uint256 before = t.balanceOf(address(this));
        t.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = t.balanceOf(address(this)) - before;
        if (received != amount) revert ErrorsLib.UnsupportedToken(token, amount, received);
    }

    /// @dev The entries of `accounts` the registry has not slashed.
    function _notSlashed(address[] memory accounts) internal view returns (address[] memory kept) {
        kept = new address[](accounts.length);
        uint256 n;
        for (uint256 i; i < accounts.length; ++i) {
            if (!registry.isSlashed(accounts[i])) {
                kept[n] = accounts[i];
                ++n;
            }
        }
        kept = _first(kept, n);
    }

    /// @dev The first `n` entries of `list` (`n` <= its length), as a new array of that length.
    function _first(address[] memory list, uint256 n) internal pure returns (address[] memory out) {
        if (n == list.length) return list;
        out = new address[](n);
        for (uint256 i; i < n; ++i) {
            out[i] = list[i];
        }
    }

    /// @dev Splits `amount` equally among the `signers` the registry has not slashed since they signed (the division
    ///      remainder to the first); burned when every one of them was slashed.
    function _creditSigners(
        uint256 marketId,
        address token,
        address[] memory signers,
        uint256 amount,
        CreditReason reason
    ) internal {
        address[] memory accounts = _notSlashed(signers);
        uint256 n = accounts.length;
        if (n == 0) {
            _credit(marketId, token, ConstantsLib.BURN_ADDRESS, amount, reason);
            return;
        }
        uint256 share = amount / n;
        _credit(marketId, token, accounts[0], amount - share * (n - 1), reason);
        for (uint256 i = 1; i < n; ++i) {
            _credit(marketId, token, accounts[i], share, reason);
        }
    }

    /// @dev Moves `amount` from the market's balance to `account`'s pull credit (nothing when zero).
    function _credit(uint256 marketId, address token, address account, uint256 amount, CreditReason reason) internal {
        if (amount == 0) return;
        _states[marketId].balance -= amount.toUint128();
        credit[token][account] += amount;
        emit EventsLib.Credited(marketId, account, token, amount, reason);
    }

    /// @dev Whether `account` is in `list`.
    function _contains(address[] storage list, address account) internal view returns (bool) {
        uint256 n = list.length;
        for (uint256 i; i < n; ++i) {
            if (list[i] == account) return true;
        }
        return false;
    }
}
