using System.Numerics;
using Microsoft.Extensions.Logging;
using Protocol.Client.Fetching;
using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Node.Inputs;

/// <summary>A curator's submission as the chain records it (<c>LabelsHash</c> and <c>Uri</c> are null when never revealed).</summary>
public sealed record RevealedSubmission(string Curator, BigInteger Stake, Bytes32? LabelsHash, string? Uri);

/// <summary>
/// A submission after checking: valid with its labels, or invalid with the reason that goes into the
/// metrics file (the curator then scores −10000).
/// </summary>
public sealed record CuratorInput(string Curator, BigInteger Stake, bool Valid, string? Reason, IReadOnlyList<Label> Labels)
{
    public static CuratorInput Invalid(RevealedSubmission s, string reason) => new(s.Curator, s.Stake, false, reason, []);
}

/// <summary>
/// Turns revealed submissions into evaluation inputs: fetch the label file, check its keccak256 against
/// the revealed hash, parse it strictly, and check every id against the task pool. Whatever a file
/// contains, the result is a valid input or an invalid one with its reason — never an exception.
/// </summary>
public sealed class SubmissionLoader(InputFetcher fetcher, FileReadOptions readOptions, ILogger<SubmissionLoader> logger, TimeProvider? clock = null)
{
    /// <summary>
    /// Loads every submission of one evaluation, up to <see cref="FetchOptions.LabelsParallelism"/> at a time, under one
    /// deadline (<see cref="FetchOptions.LabelsDeadline"/>): whatever is not loaded by then is invalid as "not available",
    /// so a market full of never-answering URIs costs one deadline, not a timeout per URI. Results keep the input order.
    /// </summary>
    public async Task<IReadOnlyList<CuratorInput>> LoadAllAsync(IReadOnlyList<RevealedSubmission> submissions, IReadOnlySet<string> taskIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var options = fetcher.Options;
        using var deadline = new CancellationTokenSource(options.LabelsDeadline, clock ?? TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var slots = new SemaphoreSlim(options.LabelsParallelism);
        var late = $"fetch failed: not available within the {options.LabelsDeadline.TotalSeconds:0.#} s labels deadline";

        async Task<CuratorInput> LoadOneAsync(RevealedSubmission submission)
        {
            if (submission.LabelsHash is null || submission.Uri is null)
            {
                // Nothing to fetch: "not revealed" must never turn into "not available" while waiting for a slot.
                return await LoadAsync(submission, taskIds, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await slots.WaitAsync(linked.Token).ConfigureAwait(false);
                try
                {
                    return await LoadAsync(submission, taskIds, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var input = CuratorInput.Invalid(submission, late);
                NodeLog.InvalidSubmission(logger, submission.Curator, late);
                return input;
            }
        }

        return await Task.WhenAll(submissions.Select(LoadOneAsync)).ConfigureAwait(false);
    }

    public async Task<CuratorInput> LoadAsync(RevealedSubmission submission, IReadOnlySet<string> taskIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(taskIds);
        var input = await CheckAsync(submission, taskIds, cancellationToken).ConfigureAwait(false);
        if (!input.Valid)
        {
            NodeLog.InvalidSubmission(logger, submission.Curator, input.Reason!);
        }

        return input;
    }

    private async Task<CuratorInput> CheckAsync(RevealedSubmission submission, IReadOnlySet<string> taskIds, CancellationToken cancellationToken)
    {
        if (submission.LabelsHash is not { } expected || submission.Uri is null)
        {
            return CuratorInput.Invalid(submission, "not revealed");
        }

        var found = await CommittedFetch.PlainAsync(fetcher, submission.Uri, expected, cancellationToken).ConfigureAwait(false);
        if (found.Failure == CommittedFailure.Unavailable)
        {
            return CuratorInput.Invalid(submission, "fetch failed: " + found.Fetch!.Failure);
        }

        if (!found.Matches)
        {
            return CuratorInput.Invalid(submission, $"hash mismatch: revealed {expected}, file has {found.Actual}");
        }

        var labels = new List<Label>();
        try
        {
            var line = 0;
            await foreach (var label in ProtocolFiles.ReadLabelsAsync(new MemoryStream(found.Bytes!), "labels", readOptions, cancellationToken).ConfigureAwait(false))
            {
                line++;
                if (!taskIds.Contains(label.Id))
                {
                    return CuratorInput.Invalid(submission, $"line {line}: id \"{Shorten(label.Id)}\" is not in the task pool");
                }

                labels.Add(label);
            }
        }
        catch (FileFormatException e)
        {
            return CuratorInput.Invalid(submission, $"line {e.Line}: {e.Problem}");
        }

        return labels.Count == 0
            ? CuratorInput.Invalid(submission, "the label file has no labels")
            : new CuratorInput(submission.Curator, submission.Stake, true, null, labels);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
