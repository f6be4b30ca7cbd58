using System.Globalization;
using System.Numerics;
using System.Text;
using Npgsql;

namespace Protocol.Api;

/// <summary>Query results as ordered columns and rows of JSON-safe values (uint256 amounts as decimal strings).</summary>
public sealed record Rows(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Values)
{
    /// <summary>Runs a query; numeric columns come back as strings so no amount loses precision in any client.</summary>
    public static async Task<Rows> QueryAsync(NpgsqlDataSource db, string sql, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(parameters);
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetDataTypeName).ToList();
        var fractional = new bool[columns.Count]; // numeric columns found to hold fractions (averages)
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false) ? null : types[i] switch
                {
                    // "numeric(78,0)" for uint256 columns, plain "numeric" for sums and averages.
                    var type when type.StartsWith("numeric", StringComparison.Ordinal) => Numeric(reader, i, ref fractional[i]),
                    "timestamp with time zone" => reader.GetFieldValue<DateTimeOffset>(i).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    _ => reader.GetValue(i),
                };
            }

            rows.Add(row);
        }

        return new Rows(columns, rows);
    }

    // Amounts (uint256) exceed decimal's range, averages have fractions: a column is read as BigInteger
    // until a value refuses (a fraction), then as decimal for the rest of the query.
    private static string Numeric(NpgsqlDataReader reader, int i, ref bool fractional)
    {
        if (!fractional)
        {
            try
            {
                return reader.GetFieldValue<BigInteger>(i).ToString(CultureInfo.InvariantCulture);
            }
            catch (InvalidCastException)
            {
                fractional = true;
            }
        }

        return reader.GetDecimal(i).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Rows as JSON objects (column order kept).</summary>
    public List<Dictionary<string, object?>> ToObjects() =>
        [.. Values.Select(v => Columns.Select((c, i) => (c, v[i])).ToDictionary(x => x.c, x => x.Item2))];

    /// <summary>RFC 4180 CSV with a header line.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns.Select(Quote)).Append("\r\n");
        foreach (var row in Values)
        {
            csv.AppendJoin(',', row.Select(v => Quote(v switch
            {
                null => "",
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => v.ToString() ?? "",
            }))).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
