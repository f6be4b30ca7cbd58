using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;
using Nethereum.JsonRpc.Client;
using Protocol.Core.Contracts;

namespace Protocol.Client;

/// <summary>Why the library refused an action: what a caller branches on (the message says it to a person).</summary>
public enum RefusalCode
{
    /// <summary>A protocol rule says no (nothing to claim, already revealed, not a signer…); the message says which.</summary>
    Refused,

    /// <summary>An option, file or value is wrong as given: fix the input and run again.</summary>
    InvalidInput,

    /// <summary>The chain, a file or a server could not be reached.</summary>
    Unreachable,

    /// <summary>The address is not the contract the action needs (no code there, or not a FeedbackMarket).</summary>
    WrongContract,

    /// <summary>No such market, report, event or entry.</summary>
    NotFound,

    /// <summary>The market is not in the phase the action needs; the message says until when it stays in its phase.</summary>
    WrongPhase,

    /// <summary>The account holds too few tokens, or no ETH for gas.</summary>
    InsufficientFunds,

    /// <summary>A published file is not the one committed to (its hash or root differs).</summary>
    Mismatch,

    /// <summary>The contract would revert (so nothing was sent), or a sent transaction reverted.</summary>
    Reverted,
}

/// <summary>
/// An expected failure of a protocol action, with a <see cref="RefusalCode"/> and one line a person can act on. Every
/// action of this library throws this for anything the caller, the chain or a publisher can cause; anything else is a
/// bug. Nothing was sent by the step that refused (the records of earlier steps say what was).
/// </summary>
public sealed class RefusalException : Exception
{
    public RefusalException(string message, RefusalCode code = RefusalCode.Refused, Exception? inner = null)
        : base(message, inner) => Code = code;

    public RefusalCode Code { get; }

    /// <summary>Whether the caller must fix what it gave (an input, an address) rather than wait or act otherwise.</summary>
    public bool IsCallersInput => Code is RefusalCode.InvalidInput or RefusalCode.WrongContract;

    /// <summary>
    /// The refusal an exception from below stands for (a contract revert named with its arguments, an RPC failure, a
    /// bad value), or null for a bug. A refusal is returned as it is.
    /// </summary>
    public static RefusalException? From(Exception e) => e switch
    {
        RefusalException r => r,
        SmartContractCustomErrorRevertException r => new("the contract would revert, so this transaction was not sent: " + RevertExplanation.Describe(r.ExceptionEncodedData), RefusalCode.Reverted, r),
        SmartContractRevertException r => new("the contract would revert, so this transaction was not sent: " + r.RevertMessage, RefusalCode.Reverted, r),
        TransactionFailedException t => new($"{t.Message}: the chain changed between the check and the transaction; read the state again and retry", RefusalCode.Reverted, t),
        FormatException or UnauthorizedAccessException or InvalidDataException => new(e.Message, RefusalCode.InvalidInput, e),
        RpcClientUnknownException r => new($"RPC request failed: {r.Message} ({r.InnerException?.Message})", RefusalCode.Unreachable, r),
        _ => null,
    };
}
