using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Protocol.Core.Reports;

/// <summary>
/// The signed report of PROTOCOL.md:
/// <c>Report(uint256 marketId,uint32 round,bytes32 resultsRoot,uint256 totalPayout,bytes32 scoresHash,bytes32 metricsHash)</c>.
/// The attributes give the EIP-712 type (and the ABI tuple the contract takes); field order matters.
/// </summary>
[Struct("Report")]
public sealed class Report
{
    [Parameter("uint256", "marketId", 1)]
    public BigInteger MarketId { get; set; }

    [Parameter("uint32", "round", 2)]
    public uint Round { get; set; }

    [Parameter("bytes32", "resultsRoot", 3)]
    public byte[] ResultsRoot { get; set; } = new byte[32];

    [Parameter("uint256", "totalPayout", 4)]
    public BigInteger TotalPayout { get; set; }

    [Parameter("bytes32", "scoresHash", 5)]
    public byte[] ScoresHash { get; set; } = new byte[32];

    [Parameter("bytes32", "metricsHash", 6)]
    public byte[] MetricsHash { get; set; } = new byte[32];
}
