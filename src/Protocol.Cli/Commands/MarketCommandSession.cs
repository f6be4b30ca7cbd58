using System.Numerics;
using Protocol.Client.Chain;
using Protocol.Client.Markets;
using Protocol.Client.Signing;

namespace Protocol.Cli.Commands;

/// <summary>Opens the library's market session from a command's settings; each transaction is printed as it lands.</summary>
internal static class MarketCommandSession
{
    /// <summary>Connects (and with a key, reads its address); with <paramref name="market"/>, loads the market asked for (default: the latest).</summary>
    public static async Task<MarketSession> OpenAsync(MarketSettings settings, bool market, CancellationToken cancellationToken, BigInteger? marketId = null)
    {
        var chain = await ChainConnection.ConnectAsync(settings.RpcUrl, settings.MarketAddress, cancellationToken).ConfigureAwait(false);
        Signer? signer = null;
        if (settings is MarketKeySettings keyed)
        {
            var (keystore, passwordFile) = keyed.KeyFiles();
            signer = await Signer.FromKeystoreAsync(chain, keystore, passwordFile, cancellationToken).ConfigureAwait(false);
            signer.OnSent = sent => Console.Out.WriteLineAsync(sent.ToString());
        }

        return market
            ? await MarketSession.OpenAsync(chain, marketId ?? settings.Id, signer).ConfigureAwait(false)
            : MarketSession.Contract(chain, signer);
    }
}
