using System.Text.Json;
using System.Text.Json.Serialization;
using Protocol.Client;
using Protocol.Core.Files;

namespace Protocol.CuratorApp;

/// <summary>One choice in the app, as undo replays it backwards: the item and its label before and after ("a", "b", "skip" or null for none).</summary>
internal sealed record LabelStep(string Id, string? Before, string? After);

/// <summary>The labels as the page sees them: each labelled item's "a"/"b", the skipped items, how many steps can be undone, and the item the last call changed.</summary>
internal sealed record LabelSnapshot(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Skipped, int Undoable, string? Changed, string? Locked);

/// <summary>
/// The curator's label file while the app edits it. Every choice is saved before the call returns: the label file
/// (JSON Lines <c>{"id","pref"}</c> in the order of the items, as the commit reads it) and beside it
/// <c>&lt;labels&gt;.app.json</c> with the skipped items and the undo history. Each is written to a temporary file in the
/// same folder and renamed over the old one, so a reader (the commit, a reload, a crash) sees the old file or the
/// new one, never half of one. One call at a time: the page may send key presses faster than the disk answers.
/// </summary>
internal sealed class LabelBook : IDisposable
{
    /// <summary>Undo reaches this far back; older steps are dropped so the side file stays small.</summary>
    public const int MaxHistory = 1_000;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    // _gate keeps one change (and its two writes) at a time; _sync guards the maps against the page's state reads meanwhile.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _sync = new();
    private readonly IReadOnlyList<TaskItem> _items;
    private readonly HashSet<string> _ids;
    private readonly Dictionary<string, Preference> _labels = new(StringComparer.Ordinal);
    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);
    private readonly List<LabelStep> _history = [];
    private string? _locked;

    private LabelBook(string path, IReadOnlyList<TaskItem> items)
    {
        LabelsFile = path;
        StateFile = path + ".app.json";
        _items = items;
        _ids = items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The label file (what the commit commits to).</summary>
    public string LabelsFile { get; }

    /// <summary>The side file with the skipped items and the undo history.</summary>
    public string StateFile { get; }

    /// <summary>
    /// Reads what an earlier session (or <c>fmp curator import</c>, or an editor) left: the label file, refused with
    /// its line when it labels an item that is not one of <paramref name="items"/>, and the side file when there is one.
    /// </summary>
    public static async Task<LabelBook> OpenAsync(string path, IReadOnlyList<TaskItem> items, CancellationToken cancellationToken)
    {
        var book = new LabelBook(Path.GetFullPath(path), items);
        if (File.Exists(book.LabelsFile))
        {
            var bytes = await File.ReadAllBytesAsync(book.LabelsFile, cancellationToken).ConfigureAwait(false);
            List<Label> labels;
            try
            {
                labels = await ProtocolFiles.ReadLabelsAsync(new MemoryStream(bytes), book.LabelsFile, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FileFormatException e)
            {
                throw new RefusalException($"--labels: {e.Message}; fix or move the file, the app continues a label file it can read", RefusalCode.InvalidInput);
            }

            for (var i = 0; i < labels.Count; i++)
            {
                if (!book._ids.Contains(labels[i].Id))
                {
                    throw new RefusalException($"--labels {book.LabelsFile}, line {i + 1}: '{labels[i].Id}' is not one of the {items.Count} items this key may label; give another --labels", RefusalCode.InvalidInput);
                }

                book._labels[labels[i].Id] = labels[i].Pref;
            }
        }

        if (File.Exists(book.StateFile))
        {
            try
            {
                await using var stream = File.OpenRead(book.StateFile);
                var state = await JsonSerializer.DeserializeAsync<SideFile>(stream, Json, cancellationToken).ConfigureAwait(false);
                // The label file is the truth: a skip of an item labelled since (a crash between the two writes) is dropped.
                book._skipped.UnionWith((state?.Skipped ?? []).Where(id => book._ids.Contains(id) && !book._labels.ContainsKey(id)));
                book._history.AddRange((state?.History ?? []).Where(s => book._ids.Contains(s.Id)));
            }
            catch (JsonException)
            {
                // Only skips and undo steps live there; a damaged side file costs those, never a label.
            }
        }

        return book;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>From now on every change is refused with <paramref name="reason"/> (the file was committed, or commits closed); null lifts it.</summary>
    public void Lock(string? reason) => _locked = reason;

    public LabelSnapshot Snapshot(string? changed = null)
    {
        lock (_sync)
        {
            return new(
                _items.Where(i => _labels.ContainsKey(i.Id)).ToDictionary(i => i.Id, i => Format(_labels[i.Id]), StringComparer.Ordinal),
                [.. _items.Where(i => _skipped.Contains(i.Id)).Select(i => i.Id)],
                _history.Count,
                changed,
                _locked);
        }
    }

    /// <summary>Labels <paramref name="id"/> "a" or "b", or skips it ("skip"), and saves.</summary>
    public async Task<LabelSnapshot> ChooseAsync(string id, string choice, CancellationToken cancellationToken)
    {
        if (!_ids.Contains(id))
        {
            throw new RefusalException($"id \"{id}\" is not one of the items this key may label", RefusalCode.InvalidInput);
        }

        if (choice is not ("a" or "b" or "skip"))
        {
            throw new RefusalException($"pref must be \"a\", \"b\" or \"skip\" (got \"{choice}\")", RefusalCode.InvalidInput);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RequireOpen();
            bool changed;
            lock (_sync)
            {
                var before = Current(id);
                changed = before != choice;
                if (changed)
                {
                    Apply(id, choice);
                    _history.Add(new LabelStep(id, before, choice));
                    if (_history.Count > MaxHistory)
                    {
                        _history.RemoveRange(0, _history.Count - MaxHistory);
                    }
                }
            }

            if (changed)
            {
                await SaveAsync(cancellationToken).ConfigureAwait(false);
            }

            return Snapshot(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes back the last choice (the item returns to what it was before) and saves; with nothing to undo, changes nothing.</summary>
    public async Task<LabelSnapshot> UndoAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RequireOpen();
            LabelStep step;
            lock (_sync)
            {
                if (_history.Count == 0)
                {
                    return Snapshot();
                }

                step = _history[^1];
                _history.RemoveAt(_history.Count - 1);
                Apply(step.Id, step.Before);
            }

            await SaveAsync(cancellationToken).ConfigureAwait(false);
            return Snapshot(step.Id);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How many items are labelled now.</summary>
    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _labels.Count;
            }
        }
    }

    private void RequireOpen()
    {
        if (_locked is { } reason)
        {
            throw new RefusalException(reason);
        }
    }

    private string? Current(string id) => _labels.TryGetValue(id, out var p) ? Format(p) : _skipped.Contains(id) ? "skip" : null;

    private void Apply(string id, string? choice)
    {
        _labels.Remove(id);
        _skipped.Remove(id);
        switch (choice)
        {
            case "a":
                _labels[id] = Preference.A;
                break;
            case "b":
                _labels[id] = Preference.B;
                break;
            case "skip":
                _skipped.Add(id);
                break;
        }
    }

    // The label file first: it is what counts. A crash before the side file is written loses at most a skip or an undo step.
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        byte[] labels, side;
        lock (_sync)
        {
            labels = CanonicalWriter.ToBytes(_items.Where(i => _labels.ContainsKey(i.Id)).Select(i => ProtocolFiles.ToLine(new Label(i.Id, _labels[i.Id]))));
            side = JsonSerializer.SerializeToUtf8Bytes(new SideFile([.. _items.Where(i => _skipped.Contains(i.Id)).Select(i => i.Id)], [.. _history]), Json);
        }

        await ReplaceAsync(LabelsFile, labels, cancellationToken).ConfigureAwait(false);
        await ReplaceAsync(StateFile, side, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="bytes"/> to a new file beside <paramref name="path"/>, flushes it to disk, and renames it over <paramref name="path"/>.</summary>
    internal static async Task ReplaceAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // only there when the write or the rename failed
        }
    }

    private static string Format(Preference p) => p == Preference.A ? "a" : "b";

    private sealed record SideFile(List<string> Skipped, List<LabelStep> History);
}
