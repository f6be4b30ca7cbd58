using System.Numerics;
using Nethereum.ABI.EIP712;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using Protocol.Core.Contracts;
using Protocol.Core.Hashing;

namespace Protocol.Core.Reports;

/// <summary>
/// EIP-712 hashing, signing and recovery of <see cref="Report"/> for one deployed market contract
/// (domain: name <c>FeedbackMarket</c>, version <c>1</c>, chain id, verifying contract).
/// </summary>
public sealed class ReportSigning
{
    /// <summary>The EIP-712 type string; its keccak256 is the type hash the contract uses.</summary>
    public const string ReportType =
        "Report(uint256 marketId,uint32 round,bytes32 resultsRoot,uint256 totalPayout,bytes32 scoresHash,bytes32 metricsHash)";

    private readonly TypedData<Domain> _typedData;

    public ReportSigning(BigInteger chainId, string marketContract)
    {
        Domain = new Domain { Name = "FeedbackMarket", Version = "1", ChainId = chainId, VerifyingContract = marketContract };
        _typedData = new TypedData<Domain>
        {
            Domain = Domain,
            Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(Report)),
            PrimaryType = "Report",
        };
    }

    /// <summary>The signing domain.</summary>
    public Domain Domain { get; }

    /// <summary>The digest an oracle signs: <c>keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(report))</c>.</summary>
    public Bytes32 Digest(Report report) =>
        Keccak.Hash(Eip712TypedDataSigner.Current.EncodeTypedData(report, _typedData));

    /// <summary>Signs the report; returns the 65-byte signature (r ‖ s ‖ v, v ∈ {27, 28}) that the contract takes.</summary>
    public byte[] Sign(Report report, EthECKey key)
    {
        var signature = Eip712TypedDataSigner.Current.SignTypedDataV4(report, _typedData, key);
        return Convert.FromHexString(signature[2..]);
    }

    /// <summary>The address that produced <paramref name="signature"/> over <paramref name="report"/>.</summary>
    public string Recover(Report report, byte[] signature) =>
        Eip712TypedDataSigner.Current.RecoverFromSignatureV4(report, _typedData, "0x" + Convert.ToHexStringLower(signature));
}
