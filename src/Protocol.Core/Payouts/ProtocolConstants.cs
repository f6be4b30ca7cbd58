namespace Protocol.Core.Payouts;

/// <summary>Protocol addresses the off-chain code must agree on with the contracts.</summary>
public static class ProtocolConstants
{
    /// <summary>
    /// <c>ConstantsLib.BURN_ADDRESS</c> (a test checks it against contracts/src/libraries/ConstantsLib.sol), lower-case
    /// as every leaf account is: where value goes that nobody who can act on a market may receive, among it the payout
    /// remainder leaf. Nobody holds its key, so what is claimed to it is gone.
    /// </summary>
    public const string BurnAddress = "0x000000000000000000000000000000000000dead";
}
