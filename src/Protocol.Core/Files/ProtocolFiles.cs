using System.Runtime.CompilerServices;

namespace Protocol.Core.Files;

/// <summary>
/// Readers and canonical writers for the data files of docs/protocol.md: task pool, label and gold set
/// files. Readers stream and are strict (see <see cref="FileReadOptions"/>); they throw
/// <see cref="FileFormatException"/> naming the file, line and problem. Writers emit the documented
/// field order with <see cref="CanonicalLine"/>, one line per record in the order given.
/// </summary>
public static class ProtocolFiles
{
    private static readonly string[] TaskFields = ["id", "prompt", "a", "b"];
    private static readonly string[] LabelFields = ["id", "pref"];
    private static readonly string[] GoldFields = ["id", "prompt", "a", "b", "pref"];

    public static async IAsyncEnumerable<TaskItem> ReadTaskPoolAsync(
        Stream stream, string fileName, FileReadOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (_, v) in JsonLinesReader.ReadAsync(stream, fileName, TaskFields, options, cancellationToken).ConfigureAwait(false))
        {
            yield return new TaskItem(v[0], v[1], v[2], v[3]);
        }
    }

    public static async IAsyncEnumerable<Label> ReadLabelsAsync(
        Stream stream, string fileName, FileReadOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (line, v) in JsonLinesReader.ReadAsync(stream, fileName, LabelFields, options, cancellationToken).ConfigureAwait(false))
        {
            yield return new Label(v[0], ParsePreference(v[1], fileName, line));
        }
    }

    public static async IAsyncEnumerable<GoldItem> ReadGoldAsync(
        Stream stream, string fileName, FileReadOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (line, v) in JsonLinesReader.ReadAsync(stream, fileName, GoldFields, options, cancellationToken).ConfigureAwait(false))
        {
            yield return new GoldItem(v[0], v[1], v[2], v[3], ParsePreference(v[4], fileName, line));
        }
    }

    public static CanonicalLine ToLine(TaskItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new CanonicalLine().Text("id", item.Id).Text("prompt", item.Prompt).Text("a", item.A).Text("b", item.B);
    }

    public static CanonicalLine ToLine(Label label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return new CanonicalLine().Text("id", label.Id).Text("pref", Format(label.Pref));
    }

    public static CanonicalLine ToLine(GoldItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new CanonicalLine().Text("id", item.Id).Text("prompt", item.Prompt).Text("a", item.A).Text("b", item.B).Text("pref", Format(item.Pref));
    }

    private static string Format(Preference pref) => pref == Preference.A ? "a" : "b";

    private static Preference ParsePreference(string value, string fileName, int line) => value switch
    {
        "a" => Preference.A,
        "b" => Preference.B,
        _ => throw new FileFormatException(fileName, line, $"pref must be \"a\" or \"b\", not \"{value}\""),
    };
}
