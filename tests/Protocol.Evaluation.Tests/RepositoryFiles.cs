namespace Protocol.Evaluation.Tests;

/// <summary>Finds the repository root (the folder holding Protocol.sln) from the test binaries.</summary>
public static class RepositoryFiles
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Protocol.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("tests must run inside the repository");
        }
    }

    public static string SpecPath => Path.Combine(Root, "specs", "bt-shapley-v1.json");
}
