namespace Protocol.DevChain;

/// <summary>Where the repository's tools and build outputs are, found from the test binary's folder.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root: the first folder above the test binaries that holds <c>foundry.toml</c>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>forge's build output, <c>contracts/out</c>.</summary>
    public static string ContractsOut => Path.Combine(Root, "contracts", "out");

    /// <summary>A Foundry binary installed by <c>npm ci</c> (forge, anvil, cast).</summary>
    public static string FoundryTool(string name)
    {
        var path = Path.Combine(Root, "node_modules", ".bin", name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{name} is not installed at {path}; run scripts/bootstrap.sh", path);
    }

    /// <summary>
    /// The folder for throw-away service state. scripts/test.sh sets <c>FMP_TEST_TMP</c> so that it can
    /// check afterwards that nothing was left running; otherwise the system temp folder.
    /// </summary>
    public static string ScratchRoot
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("FMP_TEST_TMP");
            root = string.IsNullOrEmpty(root) ? Path.GetTempPath() : root;
            Directory.CreateDirectory(root);
            return root;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "foundry.toml")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no foundry.toml above {AppContext.BaseDirectory}; tests must run inside the repository");
    }
}
