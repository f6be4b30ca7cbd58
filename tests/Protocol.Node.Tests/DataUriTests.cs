using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Protocol.Client.Fetching;

namespace Protocol.Node.Tests;

/// <summary>
/// Label files revealed in the reveal itself (<c>data:</c> URIs, RFC 2397): the fetcher reads the same bytes the curator
/// committed to, whatever their size (System.Uri refuses strings over 65,519 characters), and refuses a malformed or
/// oversized one as the publisher's fault.
/// </summary>
public sealed class DataUriTests
{
    private static readonly byte[] Labels = Encoding.UTF8.GetBytes("{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"t2\",\"pref\":\"b\"}\n");

    private static InputFetcher Fetcher(long maxBytes = 1 << 20) =>
        new(new HttpClient(), new FetchOptions { MaxBytes = maxBytes }, NullLogger<InputFetcher>.Instance);

    [Fact]
    public async Task A_base64_data_uri_gives_back_the_exact_bytes_even_beyond_what_System_Uri_accepts()
    {
        var fetched = await Fetcher().FetchAsync(DataUri.Encode(Labels), CancellationToken.None);
        Assert.Equal(Labels, fetched.Bytes);

        // 5,000 labels: a data URI far over 65,519 characters.
        var big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5_000).Select(i => $"{{\"id\":\"t{i}\",\"pref\":\"a\"}}\n")));
        var uri = DataUri.Encode(big);
        Assert.True(uri.Length > 65_519);
        Assert.Equal(big, (await Fetcher().FetchAsync(uri, CancellationToken.None)).Bytes);
    }

    [Fact]
    public async Task A_percent_encoded_data_uri_decodes_to_bytes()
    {
        var fetched = await Fetcher().FetchAsync("DATA:application/jsonl,%7B%22id%22%3A%22t1%22%2C%22pref%22%3A%22a%22%7D%0A", CancellationToken.None);
        Assert.Equal(Encoding.UTF8.GetBytes("{\"id\":\"t1\",\"pref\":\"a\"}\n"), fetched.Bytes);
        Assert.Equal("é\n"u8.ToArray(), (await Fetcher().FetchAsync("data:,é%0A", CancellationToken.None)).Bytes);
    }

    [Theory]
    [InlineData("data:application/jsonl;base64", "malformed data URI: no comma")]
    [InlineData("data:application/jsonl;base64,not*base64!", "malformed data URI: its data is not base64")]
    [InlineData("data:,50%2", "malformed data URI: a % not followed by two hex digits")]
    [InlineData("data:,%zz", "malformed data URI: a % not followed by two hex digits")]
    public async Task A_malformed_data_uri_is_the_publishers_fault(string uri, string reason)
    {
        var fetched = await Fetcher().FetchAsync(uri, CancellationToken.None);
        Assert.Null(fetched.Bytes);
        Assert.True(fetched.Missing); // the same for every node: it can back an invalid mark, never an outage
        Assert.StartsWith(reason, fetched.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_uri_over_the_size_limit_is_refused_before_it_is_decoded()
    {
        var fetched = await Fetcher(maxBytes: 16).FetchAsync(DataUri.Encode(Labels), CancellationToken.None);
        Assert.Null(fetched.Bytes);
        Assert.StartsWith("larger than 16 bytes", fetched.Failure, StringComparison.Ordinal);
    }
}
