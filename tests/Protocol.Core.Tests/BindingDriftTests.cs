using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Protocol.Core.Contracts;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Core.Tests;

/// <summary>The committed bindings must describe exactly the ABI that forge builds today.</summary>
public sealed class BindingDriftTests
{
    public static TheoryData<string> Contracts => ["FeedbackMarket", "OracleRegistry", "TestToken"];

    [Theory]
    [MemberData(nameof(Contracts))]
    public async Task Every_abi_function_event_and_error_has_a_binding_with_the_same_signature(string contract)
    {
        var artifact = await ContractArtifact.LoadAsync(RepositoryLayout.ContractsOut, contract);
        using var abi = JsonDocument.Parse(artifact.AbiJson);
        var types = typeof(ContractCalls).Assembly.GetTypes();
        var bindings = types.Where(t => t.Namespace == $"Protocol.Core.Contracts.{contract}Bindings").ToList();
        var errors = types.Where(t => t.Namespace == "Protocol.Core.Contracts" && t.GetCustomAttribute<ErrorAttribute>() is not null).ToList();

        var expected = abi.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() is "function" or "event" or "error")
            .Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("name").GetString()}({string.Join(',', e.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("type").GetString()))})")
            .Order(StringComparer.Ordinal).ToList();
        var actual = bindings.Select(Describe).Concat(errors.Select(Describe)).OfType<string>()
            .Where(s => !s.StartsWith("error ", StringComparison.Ordinal) || expected.Contains(s))
            .Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Generated_files_are_what_the_generator_writes_from_the_current_build()
    {
        var info = new ProcessStartInfo("node", ["scripts/bindings/generate.mjs", "--check"])
        {
            WorkingDirectory = RepositoryLayout.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(info)!;
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, await stderr);
    }

    private static string? Describe(Type type)
    {
        var parameters = type.GetProperties()
            .Select(p => p.GetCustomAttribute<ParameterAttribute>())
            .OfType<ParameterAttribute>()
            .OrderBy(p => p.Order)
            .Select(p => p.Type);
        var list = string.Join(',', parameters);
        return type.GetCustomAttribute<FunctionAttribute>() is { } f && type.IsSubclassOf(typeof(FunctionMessage)) ? $"function {f.Name}({list})"
            : type.GetCustomAttribute<EventAttribute>() is { } e ? $"event {e.Name}({list})"
            : type.GetCustomAttribute<ErrorAttribute>() is { } r ? $"error {r.Name}({list})"
            : null;
    }
}
