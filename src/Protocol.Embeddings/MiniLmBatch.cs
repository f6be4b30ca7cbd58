using Microsoft.ML.OnnxRuntime;

namespace Protocol.Embeddings;

/// <summary>One batch's int64 input tensors, padded at the end to its longest encoding with attention mask 0.</summary>
internal sealed class MiniLmBatch : IDisposable
{
    private readonly List<OrtValue> _owned = [];

    private MiniLmBatch(int sequenceLength) => SequenceLength = sequenceLength;

    public int SequenceLength { get; }

    public Dictionary<string, OrtValue> Values { get; } = [];

    public static MiniLmBatch Create(int[][] encodings, ReadOnlySpan<int> batch, int padId, MiniLmSignature signature)
    {
        int sequence = 0;
        foreach (int i in batch)
        {
            sequence = Math.Max(sequence, encodings[i].Length);
        }

        var ids = new long[batch.Length * sequence];
        var mask = new long[ids.Length];
        Array.Fill(ids, padId);
        for (int r = 0; r < batch.Length; r++)
        {
            int[] encoding = encodings[batch[r]];
            for (int t = 0; t < encoding.Length; t++)
            {
                ids[(r * sequence) + t] = encoding[t];
                mask[(r * sequence) + t] = 1;
            }
        }

        var result = new MiniLmBatch(sequence);
        long[] shape = [batch.Length, sequence];
        result.Add(MiniLmSignature.InputIds, ids, shape);
        result.Add(MiniLmSignature.AttentionMask, mask, shape);
        if (signature.HasTokenTypeIds)
        {
            result.Add(MiniLmSignature.TokenTypeIds, new long[ids.Length], shape); // one segment: all zeros
        }

        return result;
    }

    private void Add(string name, long[] data, long[] shape)
    {
        OrtValue value = OrtValue.CreateTensorValueFromMemory(data, shape);
        _owned.Add(value);
        Values[name] = value;
    }

    public void Dispose()
    {
        foreach (OrtValue value in _owned)
        {
            value.Dispose();
        }
    }
}
