using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using NpgsqlTypes;
using Protocol.Core.Contracts;

namespace Protocol.Indexer.Schema;

/// <summary>One column of an event table and how to read its value from the decoded event.</summary>
public sealed record EventColumn(string Name, string SqlType, NpgsqlDbType DbType, Func<object, object?> Read);

/// <summary>
/// The table that holds one protocol event: one row per log, the event's parameters as typed columns
/// (struct parameters flattened), plus where the log came from. Every row carries its block number, so
/// rolling back a reorg is one DELETE per table.
/// </summary>
/// <remarks><see cref="FastDecode"/> reads the column values straight from topics and data when the event has no struct parameter.</remarks>
public sealed record EventTable(
    string Name, string Contract, string EventName, string Topic0, IReadOnlyList<EventColumn> Columns, Func<FilterLog, object> Decode,
    Func<string[], byte[], object?[]>? FastDecode = null);

/// <summary>
/// Derives the event tables from the generated bindings, so the schema follows the ABI: every event of
/// FeedbackMarket and OracleRegistry gets a table named after it in snake case. The committed migration
/// that creates them is checked against <see cref="CreateSql"/> by a test.
/// </summary>
public static class EventTables
{
    /// <summary>Columns every event table starts with.</summary>
    public static readonly string[] LogColumns = ["block_number", "log_index", "block_time", "block_hash", "tx_hash"];

    private static readonly MethodInfo DecodeMethod = typeof(EventExtensions).GetMethods()
        .Single(m => m.Name == nameof(EventExtensions.DecodeEvent) && m.GetParameters() is [{ ParameterType: var p0 }, { ParameterType: var p1 }, { ParameterType: var p2 }]
            && p1 == typeof(EventABI) && p2 == typeof(FilterLog) && p0.IsGenericParameter);

    public static IReadOnlyList<EventTable> All { get; } = Build();

    /// <summary>Event tables by topic0 (lower-case 0x hex) for each contract name.</summary>
    public static IReadOnlyDictionary<(string Contract, string Topic0), EventTable> ByTopic { get; } =
        All.ToDictionary(t => (t.Contract, t.Topic0));

    /// <summary>The DDL of every event table (the body of migration 0002).</summary>
    public static string CreateSql()
    {
        var sql = new StringBuilder();
        foreach (var table in All)
        {
            sql.Append(CultureInfo.InvariantCulture, $"-- {table.Contract}.{table.EventName}\n");
            sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE {table.Name} (\n");
            sql.Append("    block_number bigint NOT NULL,\n    log_index integer NOT NULL,\n    block_time timestamptz NOT NULL,\n    block_hash text NOT NULL,\n    tx_hash text NOT NULL,\n");
            foreach (var column in table.Columns)
            {
                sql.Append(CultureInfo.InvariantCulture, $"    {column.Name} {column.SqlType} NOT NULL,\n");
            }

            sql.Append("    PRIMARY KEY (block_number, log_index)\n);\n\n");
        }

        return sql.ToString();
    }

    private static List<EventTable> Build()
    {
        var tables = new List<EventTable>();
        foreach (var (contract, ns) in new[] { ("FeedbackMarket", "FeedbackMarketBindings"), ("OracleRegistry", "OracleRegistryBindings") })
        {
            var events = typeof(ContractCalls).Assembly.GetTypes()
                .Where(t => t.Namespace == $"Protocol.Core.Contracts.{ns}" && t.GetCustomAttribute<EventAttribute>() is not null)
                .OrderBy(t => t.Name, StringComparer.Ordinal);
            foreach (var type in events)
            {
                var eventName = type.GetCustomAttribute<EventAttribute>()!.Name;
                if (eventName == "EIP712DomainChanged")
                {
                    continue; // never emitted by these contracts (their domain is fixed)
                }

                var abi = ABITypedRegistry.GetEvent(type);
                var decode = DecodeMethod.MakeGenericMethod(type);
                var columns = new List<EventColumn>();
                AddColumns(type, obj => obj, "", columns);
                tables.Add(new EventTable(
                    Snake(eventName), contract, eventName, "0x" + abi.Sha3Signature.ToLowerInvariant(), columns,
                    log => decode.Invoke(null, [Activator.CreateInstance(type), abi, log])!,
                    AbiLogDecoder.TryCreate(type)));
            }
        }

        return tables;
    }

    // Parameters become columns in declaration order; a struct parameter is flattened into its fields
    // (a field named like an existing column, e.g. MarketParams.token next to the indexed token, is the same value and is skipped).
    private static void AddColumns(Type type, Func<object, object?> parent, string prefix, List<EventColumn> columns)
    {
        var parameters = type.GetProperties()
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<ParameterAttribute>()))
            .Where(p => p.Attribute is not null)
            .OrderBy(p => p.Attribute!.Order);
        foreach (var (property, attribute) in parameters)
        {
            Func<object, object?> read = obj => parent(obj) is { } o ? property.GetValue(o) : null;
            if (attribute!.Type == "tuple")
            {
                AddColumns(property.PropertyType, read, prefix, columns);
                continue;
            }

            var name = prefix + Snake(attribute.Name);
            if (columns.Any(c => c.Name == name))
            {
                continue;
            }

            var (sqlType, dbType, convert) = Map(attribute.Type);
            columns.Add(new EventColumn(name, sqlType, dbType, obj => convert(read(obj))));
        }
    }

    private static (string Sql, NpgsqlDbType Db, Func<object?, object?> Convert) Map(string abiType) => abiType switch
    {
        "address" => ("text", NpgsqlDbType.Text, v => ((string)v!).ToLowerInvariant()),
        "bool" => ("boolean", NpgsqlDbType.Boolean, v => v),
        "string" => ("text", NpgsqlDbType.Text, v => v),
        _ when abiType.StartsWith("bytes", StringComparison.Ordinal) => ("text", NpgsqlDbType.Text, v => "0x" + Convert.ToHexStringLower((byte[])v!)),
        "uint8" or "uint16" or "uint32" or "int8" or "int16" or "int32" or "uint64" or "int64" =>
            ("bigint", NpgsqlDbType.Bigint, v => System.Convert.ToInt64(v, CultureInfo.InvariantCulture)),
        _ when abiType.StartsWith("uint", StringComparison.Ordinal) || abiType.StartsWith("int", StringComparison.Ordinal) =>
            ("numeric(78,0)", NpgsqlDbType.Numeric, v => (BigInteger)v!),
        _ => throw new NotSupportedException($"ABI type {abiType} has no column mapping"),
    };

    /// <summary>camelCase or PascalCase to snake_case ("MarketCreated" → "market_created", "taskPoolURI" → "task_pool_uri").</summary>
    public static string Snake(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var boundary = char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (boundary)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString().TrimEnd('_');
    }
}
