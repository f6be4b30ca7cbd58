using System.Text.Json.Serialization;

namespace Protocol.Client.Datasets;

/// <summary>
/// One revealed label in the form DPO and reward-model trainers read (docs/formats.md, "The exported dataset"): the
/// preferred response is <see cref="Chosen"/>, the other <see cref="Rejected"/>. The same columns go to labels.jsonl and
/// labels.parquet.
/// </summary>
public sealed class LabelRow
{
    [JsonPropertyName("comparison")]
    public string Comparison { get; set; } = "";

    [JsonPropertyName("prompt")]
    public string Prompt { get; set; } = "";

    [JsonPropertyName("chosen")]
    public string Chosen { get; set; } = "";

    [JsonPropertyName("rejected")]
    public string Rejected { get; set; } = "";

    /// <summary>The label as the curator wrote it: "a" or "b" of the task pool's item.</summary>
    [JsonPropertyName("pref")]
    public string Pref { get; set; } = "";

    [JsonPropertyName("curator")]
    public string Curator { get; set; } = "";

    /// <summary>The curator's score in the accepted report (scores.jsonl <c>scoreBps</c>).</summary>
    [JsonPropertyName("scoreBps")]
    public int ScoreBps { get; set; }

    /// <summary>The curator's value in the accepted report, micro-units (scores.jsonl <c>v</c>).</summary>
    [JsonPropertyName("value")]
    public long Value { get; set; }

    /// <summary>The curator's label weight, 0 … 1 (<see cref="DatasetBuilder"/>).</summary>
    [JsonPropertyName("weight")]
    public double Weight { get; set; }

    /// <summary>
    /// This label's own value, micro-units (the oracle's labels.jsonl <c>v</c>; 0 for a curator the report marks invalid);
    /// null when the report has no label values (v1).
    /// </summary>
    [JsonPropertyName("labelValue")]
    public long? LabelValue { get; set; }
}

/// <summary>One labelled comparison after the value-weighted vote of its curators (aggregate.jsonl, aggregate.parquet).</summary>
public sealed class AggregateRow
{
    [JsonPropertyName("comparison")]
    public string Comparison { get; set; } = "";

    [JsonPropertyName("prompt")]
    public string Prompt { get; set; } = "";

    [JsonPropertyName("chosen")]
    public string Chosen { get; set; } = "";

    [JsonPropertyName("rejected")]
    public string Rejected { get; set; } = "";

    /// <summary>The weighted majority: "a" or "b" of the task pool's item.</summary>
    [JsonPropertyName("pref")]
    public string Pref { get; set; } = "";

    /// <summary>The weighted margin: the weight of the labels for <see cref="Chosen"/> minus the weight of those against.</summary>
    [JsonPropertyName("weight")]
    public double Weight { get; set; }

    /// <summary>The weighted agreement share: the weight for <see cref="Chosen"/> over all the comparison's weight (0.5 … 1].</summary>
    [JsonPropertyName("agreement")]
    public double Agreement { get; set; }

    /// <summary>Labels on the comparison (one per curator who labelled it, whatever its weight).</summary>
    [JsonPropertyName("votes")]
    public int Votes { get; set; }

    /// <summary>Of those, the labels that prefer <see cref="Chosen"/>.</summary>
    [JsonPropertyName("agreeing")]
    public int Agreeing { get; set; }

    /// <summary>The curators who labelled the comparison, in address order.</summary>
    [JsonPropertyName("curators")]
    public List<string> Curators { get; set; } = [];
}

/// <summary>
/// One comparison of the aggregate in OpenAI's preference (DPO) fine-tuning form (aggregate.openai.jsonl): the prompt as
/// the user's message, the weighted majority's response as the preferred assistant message, the other as the
/// non-preferred one.
/// </summary>
public sealed class OpenAiPreferenceRow
{
    [JsonPropertyName("input")]
    public OpenAiInput Input { get; set; } = new();

    [JsonPropertyName("preferred_output")]
    public List<OpenAiMessage> PreferredOutput { get; set; } = [];

    [JsonPropertyName("non_preferred_output")]
    public List<OpenAiMessage> NonPreferredOutput { get; set; } = [];

    public static OpenAiPreferenceRow From(AggregateRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new OpenAiPreferenceRow
        {
            Input = new OpenAiInput { Messages = [new OpenAiMessage { Role = "user", Content = row.Prompt }] },
            PreferredOutput = [new OpenAiMessage { Role = "assistant", Content = row.Chosen }],
            NonPreferredOutput = [new OpenAiMessage { Role = "assistant", Content = row.Rejected }],
        };
    }
}

/// <summary>The <c>input</c> of an OpenAI preference example: the conversation so far.</summary>
public sealed class OpenAiInput
{
    [JsonPropertyName("messages")]
    public List<OpenAiMessage> Messages { get; set; } = [];
}

/// <summary>One chat message: <c>{"role","content"}</c>.</summary>
public sealed class OpenAiMessage
{
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    [JsonPropertyName("content")]
    public string Content { get; set; } = "";
}
