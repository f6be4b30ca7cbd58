using Microsoft.ML.OnnxRuntime;

namespace Protocol.Embeddings;

/// <summary>The input and output names of the ONNX graph, checked once at load.</summary>
internal sealed record MiniLmSignature(bool HasTokenTypeIds, string Output)
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";

    public static MiniLmSignature Of(InferenceSession session, int dim)
    {
        IReadOnlyDictionary<string, NodeMetadata> inputs = session.InputMetadata;
        if (!inputs.ContainsKey(InputIds) || !inputs.ContainsKey(AttentionMask))
        {
            throw new InvalidOperationException($"The model's inputs are [{string.Join(", ", inputs.Keys)}], not input_ids and attention_mask.");
        }

        // The token vectors, [batch, sequence, dim]: named last_hidden_state or token_embeddings depending on the export.
        string output = session.OutputMetadata
            .Where(o => o.Value.Dimensions.Length == 3 && o.Value.Dimensions[2] == dim)
            .Select(o => o.Key)
            .OrderBy(name => name == "last_hidden_state" ? 0 : 1)
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"The model has no [batch, sequence, {dim}] output among [{string.Join(", ", session.OutputMetadata.Keys)}].");
        return new MiniLmSignature(inputs.ContainsKey(TokenTypeIds), output);
    }
}
