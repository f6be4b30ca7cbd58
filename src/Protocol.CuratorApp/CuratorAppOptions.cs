namespace Protocol.CuratorApp;

/// <summary>What <c>fmp curator app</c> was given, checked (paths full, URLs absolute, without a trailing slash).</summary>
internal sealed record CuratorAppOptions
{
    /// <summary>The label file the app writes after every choice and the commit commits to.</summary>
    public required string LabelsFile { get; init; }

    /// <summary>Where the commit keeps the salt (as <c>fmp curator commit --secrets</c>).</summary>
    public required string SecretsPath { get; init; }

    /// <summary>Block the market contract was deployed in, where its events are read from.</summary>
    public long StartBlock { get; init; }

    /// <summary>The loopback port to listen on; 0 takes a free one.</summary>
    public int Port { get; init; }

    /// <summary>An oracle's published reports (<c>fmp curator claim --reports</c>); needed for the score and the claim.</summary>
    public string? Reports { get; init; }

    /// <summary>The analyst dashboard's base URL (<c>fmp api run</c>), for the link to this curator's page.</summary>
    public string? Dashboard { get; init; }

    /// <summary>A served folder to copy the label file into at the reveal, with <see cref="PublishUrl"/>; without it the file goes on chain.</summary>
    public string? PublishTo { get; init; }

    /// <summary>The URL that serves <see cref="PublishTo"/>.</summary>
    public string? PublishUrl { get; init; }
}
