namespace Protocol.Core.Files.Import;

/// <summary>A task pool looked up by id and by prompt, for matching exported preferences to its items.</summary>
internal sealed class TaskPoolIndex
{
    private readonly IReadOnlyList<TaskItem> _pool;
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byPrompt = new(StringComparer.Ordinal);

    // By prompt and the two responses in either order, so a record finds its items at once however many items share
    // its prompt (a debate topic, an instruction answered k ways); _byPrompt only names them in refusals.
    private readonly Dictionary<(string Prompt, string Lo, string Hi), List<int>> _byTexts = [];

    public TaskPoolIndex(IReadOnlyList<TaskItem> pool)
    {
        _pool = pool;
        for (var i = 0; i < pool.Count; i++)
        {
            _byId.TryAdd(pool[i].Id, i);
            if (!_byPrompt.TryGetValue(pool[i].Prompt, out var list))
            {
                _byPrompt[pool[i].Prompt] = list = [];
            }

            list.Add(i);
            var key = TextKey(pool[i].Prompt, pool[i].A, pool[i].B);
            if (!_byTexts.TryGetValue(key, out var same))
            {
                _byTexts[key] = same = [];
            }

            same.Add(i);
        }
    }

    private static (string, string, string) TextKey(string prompt, string x, string y) =>
        string.CompareOrdinal(x, y) <= 0 ? (prompt, x, y) : (prompt, y, x);

    /// <summary>The item a preference labels and the label it gives, or why it labels none (<c>Reason</c> not null).</summary>
    public (int Position, Preference Pref, string? Reason, bool ById) Match(ExportedPreference p, ItemMatching matching)
    {
        if (matching == ItemMatching.Id && p.Id is null)
        {
            return Fail("no id to match by (--match id needs one on every record)");
        }

        if (matching != ItemMatching.Text && p.Id is not null)
        {
            if (!_byId.TryGetValue(p.Id, out var position))
            {
                return Fail($"no such item: id \"{p.Id}\" is not in the task pool"
                    + (matching == ItemMatching.Auto ? " (if the export's ids are not the task pool's, --match text matches by prompt and responses)" : ""));
            }

            var item = _pool[position];
            if (p.Prompt is not null && p.Prompt != item.Prompt)
            {
                return Fail($"item \"{item.Id}\" has another prompt than the record's");
            }

            return Orient(item, p) is { } pref
                ? (position, pref, null, true)
                : Fail($"item \"{item.Id}\" matches by id, but its responses differ from the record's");
        }

        if (p.Prompt is null)
        {
            return Fail("no id and no prompt: nothing to match a task-pool item by");
        }

        if (!_byPrompt.TryGetValue(p.Prompt, out var samePrompt))
        {
            return Fail("no such item: no task-pool item has this prompt");
        }

        var matches = _byTexts.TryGetValue(TextKey(p.Prompt, p.Chosen, p.Rejected), out var same) ? same : [];
        if (matches.Count == 0)
        {
            return Fail($"the prompt matches item(s) {Names(samePrompt)}, but the responses differ");
        }

        if (matches.Count > 1)
        {
            return Fail($"ambiguous: the prompt and responses match items {Names(matches)} (an export that carries the task pool's ids tells them apart)");
        }

        var match = _pool[matches[0]];
        return match.A == match.B
            ? Fail($"ambiguous: item \"{match.Id}\" has the same text as both responses, so the preference names neither")
            : (matches[0], Orient(match, p)!.Value, null, false);
    }

    // "a" when the chosen response is the item's a (and the rejected its b), "b" the other way round, null when the texts differ.
    private static Preference? Orient(TaskItem item, ExportedPreference p) =>
        p.Chosen == item.A && p.Rejected == item.B ? Preference.A
        : p.Chosen == item.B && p.Rejected == item.A ? Preference.B
        : null;

    private string Names(List<int> positions) =>
        string.Join(", ", positions.Take(5).Select(i => $"\"{_pool[i].Id}\"")) + (positions.Count > 5 ? ", …" : "");

    private static (int, Preference, string?, bool) Fail(string reason) => (-1, default, reason, false);
}
