using System.Text;

namespace Protocol.Evaluation.Model;

/// <summary>
/// Step 1 of bt-shapley-v1: signed feature hashing of word uni- and bigrams into <c>dim</c> buckets,
/// L2-normalised; a comparison is the quantised difference φ(a) − φ(b).
/// </summary>
/// <remarks>
/// Tokens are the maximal runs of UTF-8 bytes that are ASCII letters or digits (A–Z folded to a–z) or
/// non-ASCII (≥ 0x80). Unigram bytes are the token; bigram bytes are token ‖ 0x20 ‖ next token. Each
/// n-gram's FNV-1a 64-bit hash h adds sign(h) = (h &gt;&gt; 63 == 0 ? +1 : −1) to bucket h mod dim.
/// The prompt is identical for a and b, so in v1 it contributes no features.
/// </remarks>
public sealed class Featuriser
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly int dim;

    /// <summary>Creates a featuriser with <paramref name="dim"/> buckets (a power of two).</summary>
    public Featuriser(int dim)
    {
        if (dim < 2 || dim > 65536 || (dim & (dim - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "dim must be a power of two in 2..65536");
        }

        this.dim = dim;
    }

    /// <summary>FNV-1a, 64 bit.</summary>
    public static ulong Fnv1a64(ReadOnlySpan<byte> bytes)
    {
        var h = FnvOffset;
        foreach (var b in bytes)
        {
            h ^= b;
            h *= FnvPrime;
        }

        return h;
    }

    /// <summary>The tokens of a text, as the byte strings that are hashed.</summary>
    public static List<byte[]> Tokenise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var tokens = new List<byte[]>();
        var start = -1;
        for (var i = 0; i <= bytes.Length; i++)
        {
            var inToken = i < bytes.Length && IsTokenByte(bytes[i]);
            if (inToken && start < 0)
            {
                start = i;
            }
            else if (!inToken && start >= 0)
            {
                var token = bytes.AsSpan(start, i - start).ToArray();
                for (var j = 0; j < token.Length; j++)
                {
                    if (token[j] is >= (byte)'A' and <= (byte)'Z')
                    {
                        token[j] = (byte)(token[j] + 32);
                    }
                }

                tokens.Add(token);
                start = -1;
            }
        }

        return tokens;
    }

    /// <summary>The integer bucket counts of a text (before normalisation).</summary>
    public int[] Counts(string text)
    {
        var v = new int[dim];
        var tokens = Tokenise(text);
        Span<byte> buffer = stackalloc byte[256];
        for (var i = 0; i < tokens.Count; i++)
        {
            Add(v, Fnv1a64(tokens[i]));
            if (i + 1 < tokens.Count)
            {
                var len = tokens[i].Length + 1 + tokens[i + 1].Length;
                var bigram = len <= buffer.Length ? buffer[..len] : new byte[len];
                tokens[i].CopyTo(bigram);
                bigram[tokens[i].Length] = 0x20;
                tokens[i + 1].CopyTo(bigram[(tokens[i].Length + 1)..]);
                Add(v, Fnv1a64(bigram));
            }
        }

        return v;
    }

    /// <summary>φ(response): the counts divided by their Euclidean norm (all zero for an empty text).</summary>
    public double[] Features(string response)
    {
        var c = Counts(response);
        long sumSq = 0;
        foreach (var x in c)
        {
            sumSq += (long)x * x;
        }

        var phi = new double[dim];
        if (sumSq == 0)
        {
            return phi;
        }

        var norm = Math.Sqrt(sumSq);
        for (var j = 0; j < dim; j++)
        {
            phi[j] = c[j] / norm;
        }

        return phi;
    }

    /// <summary>x = φ(a) − φ(b), each component rounded half away from zero to units of 2^−15.</summary>
    public int[] Comparison(string a, string b)
    {
        var pa = Features(a);
        var pb = Features(b);
        var x = new int[dim];
        for (var j = 0; j < dim; j++)
        {
            x[j] = (int)FixedPoint.RoundHalfAway(Math.ScaleB(pa[j] - pb[j], FixedPoint.FeatureBits));
        }

        return x;
    }

    private static bool IsTokenByte(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or >= 0x80;

    private void Add(int[] v, ulong h)
    {
        v[(int)(h & (ulong)(dim - 1))] += (h >> 63) == 0 ? 1 : -1;
    }
}
