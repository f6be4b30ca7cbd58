using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Protocol.DevChain;

namespace Protocol.TestSupport;

/// <summary>
/// The benchmark contract <c>EventFirehose</c> (contracts/test/bench) put at a deployment's market address with
/// <c>anvil_setCode</c>: one transaction then emits many <c>Committed</c> events exactly as the market does.
/// The market's own functions are gone from that address afterwards.
/// </summary>
public static class EventFirehose
{
    public static async Task InstallAsync(AnvilFixture anvil, string marketAddress)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        var firehose = await anvil.DeployAsync("EventFirehose").ConfigureAwait(false);
        var code = await anvil.Web3.Eth.GetCode.SendRequestAsync(firehose).ConfigureAwait(false);
        await anvil.RpcAsync<object>("anvil_setCode", marketAddress, code).ConfigureAwait(false);
    }
}

/// <summary><c>fire(marketId, first, n)</c>: emits <c>n</c> Committed events numbered from <c>first</c>.</summary>
[Function("fire")]
public sealed class FireFunction : FunctionMessage
{
    [Parameter("uint256", "marketId", 1)]
    public BigInteger MarketId { get; set; }

    [Parameter("uint256", "first", 2)]
    public BigInteger First { get; set; }

    [Parameter("uint256", "n", 3)]
    public BigInteger N { get; set; }
}
