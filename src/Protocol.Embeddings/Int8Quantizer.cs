using Google.Protobuf;
using Onnx;

namespace Protocol.Embeddings;

/// <summary>
/// Dynamic int8 quantisation of a packaged model's ONNX graph, done here so that no quantised file has to ship: every
/// MatMul whose right-hand side is a float weight matrix W (K × N; the attention projections and the feed-forward
/// layers, 36 of the 48 MatMuls in a 6-layer MiniLM) becomes ONNX Runtime's <c>com.microsoft.DynamicQuantizeMatMul</c>:
/// the activations are quantised to uint8 at run time over the whole call, the weights once, here, to int8 with one
/// scale per output column (symmetric, zero point 0). The rest of the graph (embeddings, layer norms, softmax,
/// activation-by-activation attention products) stays in fp32.
/// <para>
/// Weights are rounded to 7 bits (−63 … 63): ONNX Runtime's uint8 × int8 kernel on AVX2 machines without VNNI adds
/// pairs of products in 16 bits, which 8-bit weights can saturate (255 · 127 · 2 &gt; 32,767) and 7-bit ones cannot,
/// so every x64 CPU computes the same integers. The output is a pure function of the fp32 model's bytes: the same
/// model gives the same quantised bytes (and SHA-256) on every machine.
/// </para>
/// </summary>
internal static class Int8Quantizer
{
    /// <summary>The largest weight magnitude after rounding (7 bits, see the class summary).</summary>
    internal const int WeightLimit = 63;

    private const string Contrib = "com.microsoft";

    /// <summary>The quantised model's bytes.</summary>
    /// <exception cref="InvalidDataException">The model has no float weight MatMul to quantise.</exception>
    public static byte[] Quantize(byte[] fp32Model)
    {
        var model = ModelProto.Parser.ParseFrom(fp32Model);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var used = graph.Node.SelectMany(n => n.Input).GroupBy(i => i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var quantised = 0;
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || node.Domain.Length != 0 || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var weight) || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count != 2)
            {
                continue;
            }

            var (rows, columns) = ((int)weight.Dims[0], (int)weight.Dims[1]);
            var (q, scales) = QuantizeColumns(Floats(weight), rows, columns);
            var name = node.Input[1];
            var qWeight = new TensorProto { Name = name + "_int8", DataType = (int)TensorProto.Types.DataType.Int8, RawData = ByteString.CopyFrom((byte[])(Array)q) };
            qWeight.Dims.Add([rows, columns]);
            var scale = new TensorProto { Name = name + "_scale", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()).ToArray()) };
            scale.Dims.Add(columns);
            graph.Initializer.Add(qWeight);
            graph.Initializer.Add(scale);

            var replacement = new NodeProto { OpType = "DynamicQuantizeMatMul", Domain = Contrib, Name = (node.Name.Length == 0 ? node.Output[0] : node.Name) + "_int8" };
            replacement.Input.Add([node.Input[0], qWeight.Name, scale.Name]);
            replacement.Output.Add(node.Output);
            graph.Node[i] = replacement;
            quantised++;
            if (--used[name] == 0)
            {
                graph.Initializer.Remove(weight); // the fp32 copy is no longer read by any node
            }
        }

        if (quantised == 0)
        {
            throw new InvalidDataException("the model has no MatMul by a float weight matrix to quantise");
        }

        if (!model.OpsetImport.Any(o => o.Domain == Contrib))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = Contrib, Version = 1 });
        }

        return model.ToByteArray();
    }

    /// <summary>
    /// W (row-major, rows × columns) as int8 with one scale per column: scale = max|w| / <see cref="WeightLimit"/>,
    /// q = round(w / scale) to the nearest, halves to even. A zero column gets scale 1 and zeros.
    /// </summary>
    internal static (sbyte[] Q, float[] Scales) QuantizeColumns(ReadOnlySpan<float> w, int rows, int columns)
    {
        var scales = new float[columns];
        for (var c = 0; c < columns; c++)
        {
            var max = 0f;
            for (var r = 0; r < rows; r++)
            {
                max = MathF.Max(max, MathF.Abs(w[(r * columns) + c]));
            }

            scales[c] = max == 0 ? 1f : max / WeightLimit;
        }

        var q = new sbyte[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                q[(r * columns) + c] = (sbyte)Math.Clamp(MathF.Round(w[(r * columns) + c] / scales[c], MidpointRounding.ToEven), -WeightLimit, WeightLimit);
            }
        }

        return (q, scales);
    }

    private static float[] Floats(TensorProto tensor)
    {
        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new InvalidDataException($"weight {tensor.Name} is stored outside the model file; only self-contained models are quantised");
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray(); // little-endian, as ONNX stores it
    }
}
