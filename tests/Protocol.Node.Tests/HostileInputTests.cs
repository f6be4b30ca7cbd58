using System.Numerics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Protocol.Client.Fetching;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.DevChain;
using Protocol.Node.Inputs;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>
/// The catalogue of malformed and hostile inputs: each must end as an invalid submission with the right
/// reason, and the node must stay healthy (a valid file loads after all of them).
/// </summary>
public sealed class HostileInputTests(HostileServer server) : IClassFixture<HostileServer>, IDisposable
{
    private static readonly HashSet<string> TaskIds = ["t1", "t2", "t3"];
    private static readonly byte[] Good = Encoding.UTF8.GetBytes("{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"t2\",\"pref\":\"b\"}\n");
    private const string Cid = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
    private readonly string _root = Directory.CreateTempSubdirectory("fmp-inputs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>(case, what to serve or where to point, the reason the metrics file must give).</summary>
    public static TheoryData<string, string> Catalogue => new()
    {
        { "not revealed", "not revealed" },
        { "wrong hash", "hash mismatch: revealed 0x" },
        { "http 404", "fetch failed: HTTP 404" },
        { "http 500", "fetch failed: HTTP 500" },
        { "http 429", "fetch failed: HTTP 429" },
        { "http 403", "fetch failed: HTTP 403" },
        { "slow headers", "fetch failed: timed out after 1 s" },
        { "slow body", "fetch failed: timed out after 1 s" },
        { "endless body", "fetch failed: larger than 1048576 bytes" },
        { "lying content-length", "fetch failed: larger than 1048576 bytes (10737418240)" },
        { "connection dropped", "fetch failed:" },
        { "unreachable host", "fetch failed: cannot reach 127.0.0.1" },
        { "redirect loop", "fetch failed: redirected too many times (HTTP 302 from 127.0.0.1)" },
        { "malformed uri", "fetch failed: malformed URI" },
        { "ftp scheme", "fetch failed: unsupported URI scheme \"ftp\"" },
        { "file outside root", "fetch failed: file outside the allowed folders" },
        { "file missing", "fetch failed: file not found" },
        { "ipfs bad cid", "fetch failed: not an IPFS CID" },
        { "ipfs missing", "fetch failed: HTTP 404" },
        { "html page", "line 1: malformed JSON" },
        { "empty file", "the label file has no labels" },
        { "bad json", "line 2: malformed JSON" },
        { "array line", "line 1: not a JSON object" },
        { "unknown field", "line 1: unknown field \"confidence\"" },
        { "missing pref", "line 1: missing field \"pref\"" },
        { "pref c", "line 1: pref must be \"a\" or \"b\", not \"c\"" },
        { "pref number", "line 1: field \"pref\" must be a string, not a number" },
        { "duplicate id", "line 2: duplicate id \"t1\" (first on line 1)" },
        { "unknown id", "line 2: id \"t999\" is not in the task pool" },
        { "non utf8", "line 1: not valid UTF-8" },
        { "oversized line", "line 1: line longer than 4096 bytes" },
        { "blank line", "line 2: empty line" },
        { "byte order mark", "line 1: malformed JSON" },
        { "nul bytes", "line 1: malformed JSON" },
        { "trailing garbage", "line 1: malformed JSON" },
        { "two objects on a line", "line 1: content after the JSON object" },
        { "nested object", "line 1: field \"pref\" must be a string, not an object" },
        { "huge id", "line 1: id \"xxxxxxxx" },
        { "null id", "line 1: field \"id\" must be a string, not null" },
    };

    [Theory]
    [MemberData(nameof(Catalogue))]
    public async Task Hostile_input_ends_as_an_invalid_submission_with_its_reason(string name, string reason)
    {
        var (hash, uri) = Arrange(name);
        var loader = Loader();

        var input = await loader.LoadAsync(new RevealedSubmission("0xc0ffee0000000000000000000000000000000001", 10, hash, uri), TaskIds, CancellationToken.None);

        Assert.False(input.Valid);
        Assert.StartsWith(reason, input.Reason, StringComparison.Ordinal);
        Assert.Empty(input.Labels);

        // Still healthy: the next, good submission loads.
        var good = await loader.LoadAsync(new RevealedSubmission("0xc0ffee0000000000000000000000000000000002", 10, Keccak.Hash(Good), server.Serve("good", Good)), TaskIds, CancellationToken.None);
        Assert.True(good.Valid, good.Reason);
    }

    [Fact]
    public async Task Good_inputs_load_over_http_file_ipfs_and_after_a_transient_failure()
    {
        var loader = Loader();
        var hash = Keccak.Hash(Good);
        File.WriteAllBytes(Path.Combine(_root, "labels.jsonl"), Good);
        server.Serve(Cid, Good);
        server.Serve("flaky", Good);
        foreach (var uri in new[] { server.Serve("ok", Good), new Uri(Path.Combine(_root, "labels.jsonl")).AbsoluteUri, $"ipfs://{Cid}", $"{server.Url}/flaky/flaky" })
        {
            var input = await loader.LoadAsync(new RevealedSubmission("0xc0ffee0000000000000000000000000000000003", 5, hash, uri), TaskIds, CancellationToken.None);
            Assert.True(input.Valid, $"{uri}: {input.Reason}");
            Assert.Equal([new Label("t1", Preference.A), new Label("t2", Preference.B)], input.Labels);
        }
    }

    private SubmissionLoader Loader()
    {
        var options = new FetchOptions { MaxBytes = 1 << 20, Timeout = TimeSpan.FromSeconds(1), Attempts = 2, IpfsGateway = server.Url + "/ipfs/" };
        options.FileRoots.Add(_root);
        var fetcher = new InputFetcher(new HttpClient(new SocketsHttpHandler { MaxAutomaticRedirections = 5 }), options, NullLogger<InputFetcher>.Instance);
        return new SubmissionLoader(fetcher, new FileReadOptions { MaxLineBytes = 4096 }, NullLogger<SubmissionLoader>.Instance);
    }

    // Returns the revealed hash and the URI for a catalogue case; the hash is that of the served bytes
    // unless the case is about the hash, so each case fails for its own reason only.
    private (Bytes32? Hash, string? Uri) Arrange(string name)
    {
        (Bytes32?, string?) Serve(byte[] bytes) => (Keccak.Hash(bytes), server.Serve(name.Replace(' ', '-'), bytes));
        (Bytes32?, string?) Text(string text) => Serve(Encoding.UTF8.GetBytes(text));
        (Bytes32?, string?) At(string uri) => (Keccak.Hash(Good), uri);
        return name switch
        {
            "not revealed" => (null, null),
            "wrong hash" => (Keccak.Hash("something else"u8), server.Serve("wrong", Good)),
            "http 404" => At($"{server.Url}/files/nothing-here"),
            "http 500" => At($"{server.Url}/status/500"),
            "http 429" => At($"{server.Url}/status/429"),
            "http 403" => At($"{server.Url}/status/403"),
            "slow headers" => At($"{server.Url}/slow-headers"),
            "slow body" => At($"{server.Url}/slow-body"),
            "endless body" => At($"{server.Url}/endless"),
            "lying content-length" => At($"{server.Url}/claims-huge"),
            "connection dropped" => At($"{server.Url}/drop"),
            "unreachable host" => At($"http://127.0.0.1:{FreePort.Next()}/labels.jsonl"),
            "redirect loop" => At($"{server.Url}/loop"),
            "malformed uri" => At("labels.jsonl on my laptop"),
            "ftp scheme" => At("ftp://127.0.0.1/labels.jsonl"),
            "file outside root" => At("file:///etc/passwd"),
            "file missing" => At(new Uri(Path.Combine(_root, "missing.jsonl")).AbsoluteUri),
            "ipfs bad cid" => At("ipfs://not-a-cid/labels.jsonl"),
            "ipfs missing" => At("ipfs://QmZTR5bcpQD7cFgTorqxZDYaew1Wqgfbd2ud9QqGPAkK2V"),
            "html page" => (Keccak.Hash("<html><body>Not found, but 200</body></html>"u8), $"{server.Url}/html"),
            "empty file" => Text(""),
            "bad json" => Text("{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"t2\",\"pref\":\"b\"\n"),
            "array line" => Text("[\"t1\",\"a\"]\n"),
            "unknown field" => Text("{\"id\":\"t1\",\"pref\":\"a\",\"confidence\":0.9}\n"),
            "missing pref" => Text("{\"id\":\"t1\"}\n"),
            "pref c" => Text("{\"id\":\"t1\",\"pref\":\"c\"}\n"),
            "pref number" => Text("{\"id\":\"t1\",\"pref\":1}\n"),
            "duplicate id" => Text("{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"t1\",\"pref\":\"b\"}\n"),
            "unknown id" => Text("{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"t999\",\"pref\":\"b\"}\n"),
            "non utf8" => Serve([.. "{\"id\":\"t"u8, 0xff, 0xfe, .. "\",\"pref\":\"a\"}\n"u8]),
            "oversized line" => Text("{\"id\":\"t1\",\"pref\":\"a\",\"x\":\"" + new string('y', 5000) + "\"}\n"),
            "blank line" => Text("{\"id\":\"t1\",\"pref\":\"a\"}\n\n{\"id\":\"t2\",\"pref\":\"b\"}\n"),
            "byte order mark" => Serve([0xef, 0xbb, 0xbf, .. Good]),
            "nul bytes" => Serve([0, 0, 0, .. Good]),
            "trailing garbage" => Text("{\"id\":\"t1\",\"pref\":\"a\"} x\n"),
            "two objects on a line" => Text("{\"id\":\"t1\",\"pref\":\"a\"}{\"id\":\"t2\",\"pref\":\"b\"}\n"),
            "nested object" => Text("{\"id\":\"t1\",\"pref\":{\"a\":{\"b\":1}}}\n"),
            "huge id" => Text("{\"id\":\"" + new string('x', 3000) + "\",\"pref\":\"a\"}\n"),
            "null id" => Text("{\"id\":null,\"pref\":\"a\"}\n"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
