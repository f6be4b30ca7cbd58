// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

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
    uint128 balance;
    uint128 totalStaked;
    uint128 claimed;
    uint128 totalPayout;
    uint128 totalRevealedStake;
    bytes32 resultsRoot;
    bytes32 acceptedDigest;
    bytes32 goldHash;
    address challenger;
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
        if (params.token == address(0)) revert ErrorsLib.ZeroAddress();
        if (params.rewardPool == 0 || params.disputeBond == 0) revert ErrorsLib.ZeroAmount();
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
        uint64 evaluationPeriod = params.evaluationDeadline - params.revealDeadline;
        if (evaluationPeriod > ConstantsLib.MAX_EVALUATION_PERIOD) {
            revert ErrorsLib.EvaluationPeriodTooLong(evaluationPeriod, ConstantsLib.MAX_EVALUATION_PERIOD);
        }
        if (params.challengePeriod == 0 || params.challengePeriod > ConstantsLib.MAX_CHALLENGE_PERIOD) {
            revert ErrorsLib.InvalidChallengePeriod(params.challengePeriod, ConstantsLib.MAX_CHALLENGE_PERIOD);
        }
        if (params.minStake == 0 || params.minStake > params.stakeCap) {
            revert ErrorsLib.InvalidStakeBounds(params.minStake, params.stakeCap);
        }
        if (params.slashBps > ConstantsLib.BPS) revert ErrorsLib.InvalidBps(params.slashBps);
        if (params.oracleFeeBps > ConstantsLib.BPS) revert ErrorsLib.InvalidBps(params.oracleFeeBps);

        marketId = ++marketCount;
        _storeConfig(_configs[marketId], params, evaluationPeriod);
        StoredState storage s = _states[marketId];
        s.evaluationDeadline = params.evaluationDeadline;
        s.balance = params.rewardPool;

        emit EventsLib.MarketCreated(marketId, msg.sender, params.token, params);

        IERC20(params.token).safeTransferFrom(msg.sender, address(this), params.rewardPool);
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

        IERC20(c.token).safeTransferFrom(msg.sender, address(this), stake);
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
        uint256 expected = PayoutLib.totalPayout(s.totalStaked, c.rewardPool, c.oracleFeeBps);
        if (report.totalPayout != expected) revert ErrorsLib.TotalPayoutMismatch(report.totalPayout, expected);

        bytes32 digest = _hashTypedDataV4(HashLib.structHash(report));
        uint256 quorum = registry.quorum();
        if (_collect(marketId, report.round, digest, signatures, quorum) >= quorum) {
            accepted = true;
            _accept(s, report, digest, c.challengePeriod);
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

        // The registry holds the bond: it books the slash and pays prover and treasury.
        uint256 slashed = registry.slash(signerA, msg.sender);
        if (slashed == 0) revert ErrorsLib.NothingToSlash(signerA);

        emit EventsLib.EquivocationProven(a.marketId, a.round, signerA, digestA, digestB, msg.sender, slashed);
    }

    /* DISPUTES */

    /// @inheritdoc IFeedbackMarket
    function dispute(uint256 marketId) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Challenge) revert ErrorsLib.InvalidPhase(marketId, current);

        uint128 bond = c.disputeBond;
        bytes32 digest = s.acceptedDigest;
        s.status = MarketStatus.Disputed;
        s.challenger = msg.sender;
        s.balance += bond;

        emit EventsLib.Disputed(marketId, s.round, msg.sender, digest, bond);

        registry.lock(_signers[digest]);
        IERC20(c.token).safeTransferFrom(msg.sender, address(this), bond);
    }

    /// @inheritdoc IFeedbackMarket
    function resolveDispute(uint256 marketId, bool overturned) external nonReentrant {
        if (msg.sender != arbiter) revert ErrorsLib.Unauthorized(msg.sender, arbiter);
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        if (s.status != MarketStatus.Disputed) revert ErrorsLib.InvalidPhase(marketId, _phase(c, s));

        bytes32 digest = s.acceptedDigest;
        address[] memory signers = _signers[digest];
        address challenger = s.challenger;
        uint128 bond = c.disputeBond;
        uint32 round = s.round;
        s.challenger = address(0);

        if (!overturned) {
            emit EventsLib.DisputeResolved(marketId, round, digest, false, challenger, bond);
            _creditShares(marketId, c.token, signers, bond, CreditReason.DisputeBondToSigners);
            _finalize(marketId, c, s);

            registry.unlock(signers);
        } else {
            _overturn(marketId, c, s, digest, challenger, signers);
        }
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
        MarketStatus status = s.status;
        // Claims open once finalized, or as soon as the challenge window passed without a dispute.
        if (
            status != MarketStatus.Finalized
                && (status != MarketStatus.Accepted
                    || block.timestamp < s.acceptedAt + _configs[marketId].challengePeriod)
        ) {
            (StoredConfig storage c,) = _market(marketId);
            revert ErrorsLib.InvalidPhase(marketId, _phase(c, s));
        }
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

        // What is left once the outstanding stakes are set aside is the pool (no fee was paid, bonds were credited).
        uint128 poolRefund = s.balance - s.totalStaked;
        s.status = MarketStatus.Cancelled;

        emit EventsLib.MarketCancelled(marketId, s.round, poolRefund);
        _credit(marketId, c.token, c.sponsor, poolRefund, CreditReason.PoolRefund);
    }

    /// @inheritdoc IFeedbackMarket
    function forfeit(uint256 marketId) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Forfeited) revert ErrorsLib.InvalidPhase(marketId, current);
        if (s.status == MarketStatus.Forfeited) revert ErrorsLib.AlreadySettled(marketId);

        uint128 revealedStake = s.totalRevealedStake;
        // With no revealed stake left, whatever pool is left (all of it, or 0 once revealed curators took it) is
        // the sponsor's.
        uint128 poolRefund = revealedStake == 0 ? s.balance - s.totalStaked : 0;
        s.status = MarketStatus.Forfeited;

        emit EventsLib.MarketForfeited(marketId, poolRefund, revealedStake);
        _credit(marketId, c.token, c.sponsor, poolRefund, CreditReason.PoolRefund);
    }

    /// @inheritdoc IFeedbackMarket
    function refund(uint256 marketId, address curator) external nonReentrant {
        (StoredConfig storage c, StoredState storage s) = _market(marketId);
        Phase current = _phase(c, s);
        if (current != Phase.Cancelled && current != Phase.Forfeited) revert ErrorsLib.InvalidPhase(marketId, current);
        Submission storage sub = _submissions[marketId][curator];
        uint128 stake = sub.stake;
        if (stake == 0) revert ErrorsLib.NotCommitted(marketId, curator);
        if (sub.refunded) revert ErrorsLib.AlreadyRefunded(marketId, curator);

        uint128 totalStaked = s.totalStaked;
        uint128 reward;
        if (current == Phase.Forfeited && sub.revealed) {
            uint128 revealedStake = s.totalRevealedStake;
            // poolLeft * stake / revealedStakeLeft: at least the floor of the pro-rata share; the last one takes the
            // exact remainder. poolLeft <= rewardPool, so the result fits.
            // forge-lint: disable-next-line(unsafe-typecast)
            reward = uint128(uint256(s.balance - totalStaked) * stake / revealedStake);
            s.totalRevealedStake = revealedStake - stake;
        }
        sub.refunded = true;
        s.totalStaked = totalStaked - stake;
        s.balance -= stake + reward;

        emit EventsLib.Refunded(marketId, curator, stake, reward);

        IERC20(c.token).safeTransfer(curator, uint256(stake) + reward);
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

    /* INTERNAL */

    /// @dev The stored market, or revert when it does not exist.
    function _market(uint256 marketId) internal view returns (StoredConfig storage c, StoredState storage s) {
        c = _configs[marketId];
        if (c.commitDeadline == 0) revert ErrorsLib.MarketNotFound(marketId);
        s = _states[marketId];
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
            return block.timestamp < s.acceptedAt + c.challengePeriod ? Phase.Challenge : Phase.Finalized;
        }
        // Disputed, Finalized, Cancelled, Forfeited map one to one onto the last four phases.
        return Phase(uint8(status) + 3);
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

    /// @dev Adds the distinct active signers of `digest` among `signatures` until `quorum`; returns the count.
    function _collect(uint256 marketId, uint32 round, bytes32 digest, bytes[] calldata signatures, uint256 quorum)
        internal
        returns (uint256 count)
    {
        address[] storage stored = _signers[digest];
        count = stored.length;
        address[] memory seen = new address[](count + signatures.length);
        for (uint256 i; i < count; ++i) {
            seen[i] = stored[i];
        }
        for (uint256 i; i < signatures.length && count < quorum; ++i) {
            address signer = ECDSA.recover(digest, signatures[i]);
            if (_contains(seen, count, signer)) continue;
            if (!registry.isActive(signer)) revert ErrorsLib.OracleNotActive(signer);
            seen[count] = signer;
            ++count;
            stored.push(signer);
            emit EventsLib.Attested(marketId, round, digest, signer, count);
        }
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

    /// @dev Starts the next evaluation round, credits the bond back to the challenger and slashes every signer.
    function _overturn(
        uint256 marketId,
        StoredConfig storage c,
        StoredState storage s,
        bytes32 digest,
        address challenger,
        address[] memory signers
    ) internal {
        uint32 round = s.round;
        uint64 evaluationDeadline = uint64(block.timestamp) + c.evaluationPeriod;
        s.status = MarketStatus.Active;
        s.round = round + 1;
        s.evaluationDeadline = evaluationDeadline;
        s.acceptedAt = 0;
        s.acceptedDigest = 0;
        s.resultsRoot = 0;
        s.totalPayout = 0;

        emit EventsLib.DisputeResolved(marketId, round, digest, true, challenger, c.disputeBond);
        emit EventsLib.RoundStarted(marketId, round + 1, evaluationDeadline);
        _credit(marketId, c.token, challenger, c.disputeBond, CreditReason.DisputeBondRefund);

        registry.unlock(signers);
        for (uint256 i; i < signers.length; ++i) {
            uint256 slashed = registry.slash(signers[i], challenger);
            emit EventsLib.SignerSlashed(marketId, round, signers[i], slashed);
        }
    }

    /// @dev Records the Finalized status and credits the oracle fee to the accepted report's signers.
    function _finalize(uint256 marketId, StoredConfig storage c, StoredState storage s) internal {
        uint256 fee = PayoutLib.oracleFee(c.rewardPool, c.oracleFeeBps);
        bytes32 digest = s.acceptedDigest;
        s.status = MarketStatus.Finalized;

        emit EventsLib.MarketFinalized(marketId, s.round, digest, s.resultsRoot, s.totalPayout, fee);
        _creditShares(marketId, c.token, _signers[digest], fee, CreditReason.OracleFee);
    }

    /// @dev Splits `amount` equally among `accounts` (at least one), the division remainder to the first.
    function _creditShares(
        uint256 marketId,
        address token,
        address[] memory accounts,
        uint256 amount,
        CreditReason reason
    ) internal {
        uint256 n = accounts.length;
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

    /// @dev Whether `account` is among the first `length` entries of `list`.
    function _contains(address[] memory list, uint256 length, address account) internal pure returns (bool) {
        for (uint256 i; i < length; ++i) {
            if (list[i] == account) return true;
        }
        return false;
    }
}
