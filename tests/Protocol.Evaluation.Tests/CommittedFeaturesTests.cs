using Protocol.Core.Hashing;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Tests;

/// <summary>The committed-features path of the in-run specs: dense rows read from features files.</summary>
public sealed class CommittedFeaturesTests
{
    private static readonly Lazy<UkpConvArg1> Ukp = new(() => UkpConvArg1.Load(UkpConvArg1.DataDirectory(RepositoryFiles.Root)));

    private static EvaluationSpec Open => EvaluationSpecs.ByName("bt-inrun-v2-open")!;

    /// <summary>bt-inrun-v2-open's parameters, reading committed features instead of hashing n-grams.</summary>
    private static EvaluationSpec OpenCommitted => Open with { Features = FeatureKind.Committed, Dim = 0 };

    /// <summary>Features files that hold exactly the n-gram integers bt-inrun-v2 computes (scale 2^−15), under a model name.</summary>
    private static CommittedFeatures NGramFeatures(MarketInput input, string model = "fnv-ngrams-4096")
    {
        var featuriser = new Featuriser(Open.Dim);
        short[] Row(string a, string b) => [.. featuriser.Comparison(a, b).Select(x => checked((short)x))];
        FeaturesReader File(string kind, IEnumerable<short[]> rows, int count) => FeaturesReader.FromBytes(
            FeaturesFile.ToBytes(new FeaturesHeader(kind, count, Open.Dim, 15, Keccak.Hash([]), model, new Dictionary<string, string>()), rows), kind);
        return new CommittedFeatures(
            File("tasks", input.TaskPool.Select(t => Row(t.A, t.B)), input.TaskPool.Count),
            File("gold", input.Gold.Select(g => Row(g.A, g.B)), input.Gold.Count));
    }

    [Fact]
    public void Dense_rows_holding_the_ngram_integers_reproduce_the_sparse_path_bit_for_bit()
    {
        var market = KnownAccuracyMarket.Create(Ukp.Value, 30, 1_000_000, labels: 40); // any size shows bit-for-bit equality; 4,096 dense dims are the cost
        var sparse = EvaluationEngine.Evaluate(Open, market.Input, new EvaluationOptions());
        var dense = EvaluationEngine.Evaluate(OpenCommitted, market.Input with { Features = NGramFeatures(market.Input) }, new EvaluationOptions { MaxThreads = 1 });
        Assert.Equal(sparse.Curators, dense.Curators);
        Assert.Equal(sparse.Metrics.UtilityAllFixed, dense.Metrics.UtilityAllFixed);
        Assert.Equal(sparse.Metrics.InRun!.AgreementPpm, dense.Metrics.InRun!.AgreementPpm);
        Assert.Equal(sparse.Metrics.InRun.GoldAgreementPpm, dense.Metrics.InRun.GoldAgreementPpm);
        Assert.Contains(dense.Curators, c => c.ValueMicro != 0);
    }

    [Fact]
    public void The_engine_refuses_features_that_do_not_fit_the_market()
    {
        var market = KnownAccuracyMarket.Create(Ukp.Value, 10, 1_000_000, labels: 20);
        var features = NGramFeatures(market.Input);
        var missing = Assert.Throws<ArgumentException>(() => EvaluationEngine.Evaluate(OpenCommitted, market.Input, new EvaluationOptions()));
        Assert.Contains("reads committed features, and the market input has none", missing.Message);

        var shortPool = market.Input with { TaskPool = market.Input.TaskPool.Take(market.Input.TaskPool.Count - 1).ToList(), Features = features };
        var rows = Assert.Throws<ArgumentException>(() => EvaluationEngine.Evaluate(OpenCommitted, shortPool, new EvaluationOptions()));
        Assert.Contains($"features file has {market.Input.TaskPool.Count} rows, the tasks file has {market.Input.TaskPool.Count - 1}", rows.Message);

        var swapped = market.Input with { Features = new CommittedFeatures(features.Gold, features.Tasks) };
        Assert.Contains("kind \"gold\", expected \"tasks\"", Assert.Throws<ArgumentException>(() => EvaluationEngine.Evaluate(OpenCommitted, swapped, new EvaluationOptions())).Message);
    }

    [Fact]
    public void Committed_specs_ship_with_the_engine_and_read_no_dimension()
    {
        foreach (var name in new[] { "bt-inrun-v2-features", "bt-inrun-v2-features-open" })
        {
            var spec = EvaluationSpecs.ByName(name);
            Assert.NotNull(spec);
            Assert.Equal(FeatureKind.Committed, spec.Features);
            Assert.Equal(0, spec.Dim);
            Assert.Equal(AttributionMethod.InRun, spec.Method);
        }

        Assert.Equal(FeatureKind.NGrams, EvaluationSpecs.ByName("bt-inrun-v2")!.Features);
        Assert.Throws<ArgumentException>(() => (EvaluationSpecs.ByName("bt-shapley-v1")! with { Features = FeatureKind.Committed, Dim = 0 }).Validated());
    }

    [Fact]
    public void A_spec_that_names_its_embedder_judges_only_with_features_of_that_model()
    {
        var duo = EvaluationSpecs.ByName("bt-inrun-v3-features-duo")!;
        Assert.Equal("all-MiniLM-L6-v2+snowflake-arctic-embed-xs", duo.FeaturesModel);
        Assert.Null(EvaluationSpecs.ByName("bt-inrun-v3-features")!.FeaturesModel);
        // Apart from the embedder it names, the duo spec is bt-inrun-v3-features.
        var v3 = EvaluationSpecs.ByName("bt-inrun-v3-features")!;
        Assert.Equal(v3 with { Name = duo.Name, Hash = duo.Hash, FeaturesModel = duo.FeaturesModel, InRun = duo.InRun }, duo);
        Assert.Equal(v3.InRun! with { Neutralise = duo.InRun!.Neutralise }, duo.InRun);
        Assert.Equal(v3.InRun.Neutralise, duo.InRun.Neutralise);

        var market = KnownAccuracyMarket.Create(Ukp.Value, 12, duo.InRun!.ShareFor(300), poolItems: 300);
        var wrong = Assert.Throws<ArgumentException>(() => EvaluationEngine.Evaluate(duo, market.Input with { Features = NGramFeatures(market.Input) }, new EvaluationOptions()));
        Assert.Contains("the spec requires features made by all-MiniLM-L6-v2+snowflake-arctic-embed-xs; the task pool's features file (tasks) was made by fnv-ngrams-4096", wrong.Message, StringComparison.Ordinal);

        // Same rows under the named model: evaluated, with one digest on one thread and on four.
        var named = market.Input with { Features = NGramFeatures(market.Input, duo.FeaturesModel!) };
        var one = EvaluationEngine.Evaluate(duo, named, new EvaluationOptions { MaxThreads = 1 });
        var four = EvaluationEngine.Evaluate(duo, named, new EvaluationOptions { MaxThreads = 4 });
        Assert.Equal(one.Curators, four.Curators);
        Assert.Equal(one.Labels, four.Labels);
        Assert.Equal(one.Metrics.InRun!.AgreementPpm, four.Metrics.InRun!.AgreementPpm);
        Assert.Equal(12, one.Metrics.ValidCurators);
        Assert.Contains(one.Curators, c => c.ValueMicro > 0);

        Assert.Contains("featuresModel", Assert.Throws<ArgumentException>(() => (EvaluationSpecs.ByName("bt-inrun-v3")! with { FeaturesModel = "x" }).Validated()).Message, StringComparison.Ordinal);
    }
}
