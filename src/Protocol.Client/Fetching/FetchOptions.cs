using System.ComponentModel.DataAnnotations;

namespace Protocol.Client.Fetching;

/// <summary>Limits for fetching inputs named by untrusted URIs (label files, gold sets, task pools).</summary>
public sealed class FetchOptions
{
    /// <summary>Largest file accepted, in bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 64L << 20;

    /// <summary>Largest features file accepted, in bytes (streamed to a temporary file, never held in memory whole).</summary>
    [Range(1, long.MaxValue)]
    public long MaxFeaturesBytes { get; set; } = 8L << 30;

    /// <summary>Where features files are streamed during an evaluation (it needs up to MaxFeaturesBytes free); empty: the system temp folder.</summary>
    public string ScratchFolder { get; set; } = "";

    /// <summary>Time allowed for one whole download (connect, headers and body).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts for transient failures (connection errors, timeouts, 5xx, 429).</summary>
    [Range(1, 10)]
    public int Attempts { get; set; } = 3;

    /// <summary>
    /// Label files fetched at the same time in one evaluation. Fetching waits on other hosts, not on this machine, so
    /// many run at once; each holds at most <see cref="MaxBytes"/> in memory while it is checked.
    /// </summary>
    [Range(1, 1024)]
    public int LabelsParallelism { get; set; } = 32;

    /// <summary>
    /// Time allowed for fetching all of one evaluation's label files together. A file not fetched by then is invalid
    /// ("fetch failed: not available …"), like a file that cannot be fetched at all, so never-answering URIs cost the
    /// node this long once per market, not <see cref="Timeout"/> × <see cref="Attempts"/> each.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Node:Fetch:LabelsDeadline must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan LabelsDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>HTTP gateway that serves <c>ipfs://CID[/path]</c> as <c>{gateway}/CID[/path]</c>, e.g. <c>http://127.0.0.1:8080/ipfs/</c>. Empty: ipfs URIs are refused.</summary>
    public string IpfsGateway { get; set; } = "";

    /// <summary>
    /// Folders that <c>file://</c> URIs may read from. Empty (the default): file URIs are refused, since a
    /// curator could otherwise point the node at its own keystore.
    /// </summary>
    public IList<string> FileRoots { get; } = [];
}
