using System.Text;
using System.Text.Json;
using Protocol.Indexer.Rpc;

namespace Protocol.Indexer.Tests;

/// <summary>The streaming reader of eth_getLogs answers, on the shapes nodes send and the ones they should not.</summary>
public sealed class LogsResponseTests
{
    private const string Log =
        """{"address":"0xAbC0000000000000000000000000000000000001","topics":["0xAA","0x01"],"data":"0x00ff","blockNumber":"0x1a","blockHash":"0xBB","blockTimestamp":"0x64","transactionHash":"0xCC","transactionIndex":"0x0","logIndex":"0x2","removed":false}""";

    private static List<RawLog> Parse(string json) => LogsResponse.Parse(Encoding.UTF8.GetBytes(json), "eth_getLogs");

    [Fact]
    public void Fields_are_read_hex_lowered_and_repeated_values_shared()
    {
        var logs = Parse($$"""{"jsonrpc":"2.0","id":7,"result":[{{Log}},{{Log.Replace("0x2\"", "0x3\"", StringComparison.Ordinal)}}]}""");
        Assert.Equal(2, logs.Count);
        var log = logs[0];
        Assert.Equal(new RawLog("0xabc0000000000000000000000000000000000001", ["0xaa", "0x01"], [], 26, "0xbb", 100, "0xcc", 2, false) with { Topics = log.Topics, Data = log.Data }, log);
        Assert.Equal(["0xaa", "0x01"], log.Topics);
        Assert.Equal([0x00, 0xff], log.Data);
        Assert.Equal(3, logs[1].LogIndex);
        Assert.Same(log.BlockHash, logs[1].BlockHash);
        Assert.Same(log.Topics[0], logs[1].Topics[0]);
    }

    [Fact]
    public void Optional_fields_unknown_fields_escapes_and_member_order_are_handled()
    {
        var logs = Parse("""
            {"result":[{"removed":true,"logIndex":"0x0","extra":{"nested":[1,2,{"x":null}]},"transactionHash":"0x\u0041B","blockHash":"0xbb",
             "blockNumber":"0x1","data":"0x\u00410","topics":[],"address":"0x01"}],"id":1,"jsonrpc":"2.0"}
            """);
        var log = Assert.Single(logs);
        Assert.Null(log.BlockTimestamp);
        Assert.True(log.Removed);
        Assert.Equal("0xab", log.TransactionHash);
        Assert.Equal([0xa0], log.Data);
        Assert.Empty(log.Topics);
        Assert.Empty(Parse("""{"jsonrpc":"2.0","id":1,"result":[]}"""));
    }

    [Fact]
    public void A_json_rpc_error_is_an_rpc_exception_with_its_code()
    {
        var e = Assert.Throws<RpcException>(() => Parse("""{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"query returned more than 10000 results"}}"""));
        Assert.Equal(-32005, e.Code);
        Assert.Contains("more than 10000 results", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    [InlineData("""{"result":{}}""")]
    [InlineData("""{"result":[1]}""")]
    [InlineData("""{"result":[{"address":"0x01"}]}""")]
    [InlineData("""{"result":[{"address":1,"topics":[],"data":"0x","blockNumber":"0x1","blockHash":"0x","transactionHash":"0x","logIndex":"0x0"}]}""")]
    [InlineData("""{"result":[{"address":"0x01","topics":[],"data":"0x","blockNumber":"12","blockHash":"0x","transactionHash":"0x","logIndex":"0x0"}]}""")]
    [InlineData("""{"result":[{"address":"0x01","topics":"0x","data":"0x","blockNumber":"0x1","blockHash":"0x","transactionHash":"0x","logIndex":"0x0"}]}""")]
    [InlineData("""{"result":[]} trailing""")]
    [InlineData("""{"result":[{"address":"0x01","topics":[],"data":"0x0","blockNumber":"0x1","blockHash":"0x","transactionHash":"0x","logIndex":"0x0"}]}""")]
    [InlineData("""{"result":[{"address":"0x01","topics":[],"data":"0xzz","blockNumber":"0x1","blockHash":"0x","transactionHash":"0x","logIndex":"0x0"}]}""")]
    [InlineData("""{"result":[{"address":"0x01","topics":[],"data":"00","blockNumber":"0x1","blockHash":"0x","transactionHash":"0x","logIndex":"0x0"}]}""")]
    public void A_malformed_answer_is_a_json_exception(string json) =>
        Assert.ThrowsAny<JsonException>(() => Parse(json));

    [Fact]
    public void An_answer_cut_short_anywhere_is_a_json_exception()
    {
        var full = $$"""{"jsonrpc":"2.0","id":7,"result":[{{Log}},{{Log}}]}""";
        for (var length = 0; length < full.Length; length++)
        {
            Assert.ThrowsAny<JsonException>(() => Parse(full[..length]));
        }
    }
}
