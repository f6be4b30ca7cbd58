using System.Runtime.CompilerServices;
using static Protocol.Core.Files.JsonLinesReader;

namespace Protocol.Core.Files;

/// <summary>
/// One line of the label values file (<c>labels.jsonl</c> next to a report's scores): what one valid label earned.
/// Field order in the file: account, id, pref, v.
/// </summary>
/// <param name="Account">Curator address (written in lower-case hex).</param>
/// <param name="Id">The task-pool id the label is on.</param>
/// <param name="Pref">The label as revealed.</param>
/// <param name="Value">The label's value in the spec's units (micro-units, as scores.jsonl <c>v</c>); a curator's values sum to its <c>v</c>.</param>
public sealed record LabelValueLine(string Account, string Id, Preference Pref, long Value);

/// <summary>
/// The label values file of an in-run (v2-family) evaluation: one line per label of a valid curator, sorted by account,
/// then by task-pool position. Deterministic like the scores file, but not hashed into the report (docs/formats.md).
/// </summary>
public static class LabelValuesFile
{
    private static readonly Field[] Fields =
    [
        new("account", FieldKind.String), new("id", FieldKind.String), new("pref", FieldKind.String), new("v", FieldKind.Integer),
    ];

    /// <summary>
    /// The canonical lines, in the order given: the writer keeps the engine's order (account, then task-pool position),
    /// which a reader cannot recompute without the task pool, so it is not re-sorted here.
    /// </summary>
    public static IReadOnlyList<CanonicalLine> Lines(IEnumerable<LabelValueLine> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return [.. labels.Select(l => new CanonicalLine()
            .Text("account", l.Account.ToLowerInvariant()).Text("id", l.Id).Text("pref", l.Pref == Preference.A ? "a" : "b").Number("v", l.Value))];
    }

    /// <summary>The exact bytes of the file.</summary>
    public static byte[] ToBytes(IEnumerable<LabelValueLine> labels) => CanonicalWriter.ToBytes(Lines(labels));

    /// <summary>
    /// Writes the file, or removes one left in the folder when there is none to write (a v1 evaluation into a folder a v2 one
    /// used): a stale labels.jsonl next to new scores would be read as theirs.
    /// </summary>
    public static async Task WriteOrRemoveAsync(string path, byte[]? bytes, CancellationToken cancellationToken = default)
    {
        if (bytes is null)
        {
            File.Delete(path);
            return;
        }

        await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a label values file strictly: the four fields, pref "a" or "b", each (account, id) once, accounts in order.</summary>
    public static async IAsyncEnumerable<LabelValueLine> ReadAsync(
        Stream stream, string fileName, FileReadOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<(string, string)>();
        string? previous = null;
        await foreach (var (line, v) in ReadTypedAsync(stream, fileName, _ => (Fields, -1), options, cancellationToken).ConfigureAwait(false))
        {
            var (account, id, pref) = ((string)v[0]!, (string)v[1]!, (string)v[2]!);
            Expect(account.Length == 42 && account.StartsWith("0x", StringComparison.Ordinal) && account.Skip(2).All(ch => ch is (>= '0' and <= '9') or (>= 'a' and <= 'f')),
                $"account '{account}' is not a lower-case 0x address", fileName, line);
            Expect(id.Length > 0, "empty id", fileName, line);
            Expect(pref is "a" or "b", $"pref must be \"a\" or \"b\", not \"{pref}\"", fileName, line);
            Expect(previous is null || string.CompareOrdinal(previous, account) <= 0, $"account {account} comes after {previous}: lines are sorted by account", fileName, line);
            Expect(seen.Add((account, id)), $"a second line for {account} on id '{id}'", fileName, line);
            previous = account;
            yield return new LabelValueLine(account, id, pref == "a" ? Preference.A : Preference.B, (long)v[3]!);
        }
    }
}
