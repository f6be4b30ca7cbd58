namespace Protocol.Core.Files;

/// <summary>A protocol data file that breaks its format: which file, which line (1-based; 0 for the whole file), what is wrong.</summary>
public sealed class FileFormatException : Exception
{
    public FileFormatException(string fileName, int line, string problem)
        : base(line > 0 ? $"{fileName}:{line}: {problem}" : $"{fileName}: {problem}")
    {
        FileName = fileName;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file's name or URI as the caller gave it.</summary>
    public string FileName { get; }

    /// <summary>1-based line number, or 0 when the problem concerns the whole file.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
